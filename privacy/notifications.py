"""The confirmation that an account was erased, to the address it had. The account is gone by
then, so the mail is a row of the delivery log without a recipient (sofadoc/mail.py): the
address and language go with the row, which forgets the address once the mail is out (kind
`erasure_done`, coaching/notifications/mail_kinds.py). "Your export is ready" is a notification
kind too (data_export_ready)."""

from sofadoc.mail import mail_queue


def erasure_done_mail(*, erasure_pk: int, address: str, language: str) -> int:
    """Queue it once per erasure (a resumed erasure task queues nothing more)."""
    return mail_queue(
        kind="erasure_done", key=f"erasure:{erasure_pk}", address=address, language=language
    )
