"""Privacy's writes, one module per noun; import them from here (the apps may, see the import
contracts in pyproject.toml).

- consent.py           the consent log: decisions, withdrawal, cookie banner choices
- export.py            data exports: asked for, built, downloaded, expired, withdrawn early
- erasure.py           account erasure: closing the account, erasing step by step, restriction
- jobs.py              exports and erasures whose task was lost are queued again
- support_requests.py  support requests: stored, delivered, delivered again by the scan
"""

from privacy.services.consent import (
    SIGNUP_PURPOSES,
    consent_record,
    consent_withdraw,
    cookie_choice_record,
)
from privacy.services.erasure import (
    account_erase,
    account_erasure_complete,
    account_erasure_request,
)
from privacy.services.export import (
    data_export_build,
    data_export_delete_file,
    data_export_download,
    data_export_request,
    data_exports_expire,
    data_exports_forget_person,
)
from privacy.services.jobs import JOB_STALLED_AFTER_MINUTES, privacy_jobs_resume_stalled
from privacy.services.support_requests import (
    SUPPORT_SCAN_FAILURES,
    support_request_deliver,
    support_request_submit,
    support_requests_deliver_stalled,
)

__all__ = [
    "JOB_STALLED_AFTER_MINUTES",
    "SIGNUP_PURPOSES",
    "SUPPORT_SCAN_FAILURES",
    "account_erase",
    "account_erasure_complete",
    "account_erasure_request",
    "consent_record",
    "consent_withdraw",
    "cookie_choice_record",
    "data_export_build",
    "data_export_delete_file",
    "data_export_download",
    "data_export_request",
    "data_exports_expire",
    "data_exports_forget_person",
    "privacy_jobs_resume_stalled",
    "support_request_deliver",
    "support_request_submit",
    "support_requests_deliver_stalled",
]
