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

__all__ = [
    "ConsentRecord",
    "DataExport",
    "ErasureRequest",
    "LegalDocument",
    "Processor",
    "ProcessorErasure",
    "RestrictedRecord",
    "SupportRequest",
]
