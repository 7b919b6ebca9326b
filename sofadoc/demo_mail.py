"""E-mail for the demo: printed to the terminal so a person trying the site can read and follow it.

Django's console backend prints the raw MIME message (quoted-printable, so links come out broken
across "=" soft line breaks), and inside the Celery worker stdout is redirected into log records
(one escaped line, with addresses and links masked by the production log filters). This backend
writes the decoded text part straight to the process's real stdout instead. Production never
uses it: the deploy check refuses a console mail backend.
"""

from __future__ import annotations

import sys
import threading

from django.core.mail.backends.base import BaseEmailBackend

_lock = threading.Lock()
RULE = "-" * 78


class ReadableConsoleBackend(BaseEmailBackend):
    def __init__(self, *args, stream=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.stream = stream

    def send_messages(self, email_messages) -> int:
        # sys.__stdout__, not sys.stdout: Celery swaps sys.stdout for a logging proxy.
        stream = self.stream or sys.__stdout__
        sent = 0
        with _lock:
            for message in email_messages:
                alternatives = [mimetype for _, mimetype in getattr(message, "alternatives", [])]
                lines = [
                    RULE,
                    f"E-mail to: {', '.join(message.recipients())}",
                    f"From:      {message.from_email}",
                    f"Subject:   {message.subject}",
                ]
                if alternatives:
                    lines.append(f"(also sent as {', '.join(alternatives)})")
                lines += ["", str(message.body).rstrip(), RULE, ""]
                stream.write("\n".join(lines) + "\n")
                stream.flush()
                sent += 1
        return sent
