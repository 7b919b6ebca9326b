"""Celery beat's schedule: the periodic scans, in code."""

from celery.schedules import crontab

# The periodic scans, in code; each entry names a task by its registered name.
CELERY_BEAT_SCHEDULE = {
    "purge-unverified-accounts": {
        "task": "accounts.purge_unverified_accounts",
        "schedule": 60 * 60,
    },
    "settle-video-attendance": {"task": "video.settle_attendance", "schedule": 5 * 60},
    "expire-booking-holds": {"task": "bookings.expire_holds", "schedule": 60},
    # Unused package sessions expire, or are refunded pro rata, by the package's rule.
    "expire-packages": {"task": "packages.expire_packages", "schedule": 60 * 60},
    "reconcile-paypal-orders": {"task": "payments.reconcile_open_orders", "schedule": 5 * 60},
    "send-due-notifications": {"task": "notifications.send_due_reminders", "schedule": 60},
    # After PayPal's reporting delay (up to 3 h) for yesterday has passed.
    "reconcile-paypal-ledger": {
        "task": "payments.reconcile_yesterday",
        "schedule": crontab(hour=4, minute=30),
    },
    # Monday mornings; every hour until the evening, so a beat that was down at 07:00 catches
    # up. Each coach gets the nudge once per ISO week all the same (its key is the week).
    "calendar-upkeep-nudges": {
        "task": "notifications.calendar_nudges",
        "schedule": crontab(day_of_week="mon", hour="7-18", minute=0),
    },
    "refresh-booked-out-practices": {
        "task": "practices.refresh_booked_out",
        "schedule": 60,
    },
    # Questionnaire or agreement still open 48 h before a session (once per booking).
    "intake-remind-open": {"task": "intake.remind_open", "schedule": 15 * 60},
    "expire-data-exports": {
        "task": "privacy.expire_data_exports",
        "schedule": 60 * 60,
    },
    # Exports and erasures whose task Redis lost (the queue needs no backup).
    "resume-stalled-privacy-jobs": {
        "task": "privacy.resume_stalled_jobs",
        "schedule": 10 * 60,
    },
    # Receipts whose announcement was lost (a listener failed, the process died after commit).
    "issue-missing-documents": {"task": "billing.issue_missing_documents", "schedule": 10 * 60},
    # Last month's fee invoices on the 1st, hourly until noon so a beat that was down catches up
    # (one invoice per coach and month all the same: a unique constraint).
    "issue-fee-invoices": {
        "task": "billing.issue_fee_invoices",
        "schedule": crontab(day_of_month="1", hour="1-12", minute=15),
    },
    # Documents whose legal retention period (8 years after the year of issue) has ended.
    "purge-expired-documents": {
        "task": "billing.purge_expired_documents",
        "schedule": crontab(hour=3, minute=40),
    },
    # Deletions at Zendesk and Twilio that failed (or whose task was lost) are tried again.
    "retry-processor-erasures": {
        "task": "privacy.retry_processor_erasures",
        "schedule": 5 * 60,
    },
    # Hourly so a beat that was down catches up; each alert goes once (marked on the row).
    "data-request-deadlines": {
        "task": "privacy.data_requests_alert",
        "schedule": 60 * 60,
    },
    "retention-schedule": {
        "task": "privacy.retention_enforce",
        "schedule": crontab(hour=3, minute=30),
    },
    # Every minute a share of the calendar connections that are due (each every 5 minutes).
    "sync-calendars": {"task": "calendars.sync_due", "schedule": 60},
    # Bookings whose calendar write-back failed (backoff passed) or whose task was lost.
    "retry-calendar-write-backs": {"task": "calendars.retry_write_backs", "schedule": 60},
    # Hourly; each task's reminder goes once per due date (the notification's unique key).
    "remind-due-client-tasks": {"task": "clients.remind_due_tasks", "schedule": 60 * 60},
    # Ended coach-client relationships whose keep period is over.
    "purge-ended-relationships": {
        "task": "clients.purge_ended_relationships",
        "schedule": crontab(hour=3, minute=50),
    },
}
