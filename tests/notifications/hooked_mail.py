"""An e-mail backend that runs a test's hook on each send (what happens while a mail goes out)."""

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class EmailBackend(LocmemBackend):
    on_send = None  # set by the test: called with each message before it is "sent"

    def send_messages(self, messages):
        for message in messages:
            if EmailBackend.on_send is not None:
                EmailBackend.on_send(message)
        return super().send_messages(messages)
