"""An email backend standing in for an SMTP server that refuses some recipients."""

from django.core.mail.backends.locmem import EmailBackend

REFUSED: set[str] = set()


class RefusingBackend(EmailBackend):
    def send_messages(self, messages):
        for message in messages:
            if set(message.to) & REFUSED:
                raise ConnectionRefusedError("SMTP server refused the connection")
        return super().send_messages(messages)
