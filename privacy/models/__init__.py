"""The privacy app's models, one module per noun group."""

from privacy.models.core import (
    ConsentRecord,
    DataExport,
    ErasureRequest,
    LegalDocument,
    Processor,
    SupportRequest,
)
from privacy.models.erasure import ProcessorErasure, RestrictedRecord
from privacy.models.requests import DataRequest, RetentionRun

__all__ = [
    "ConsentRecord",
    "DataExport",
    "DataRequest",
    "ErasureRequest",
    "LegalDocument",
    "Processor",
    "ProcessorErasure",
    "RestrictedRecord",
    "RetentionRun",
    "SupportRequest",
]
