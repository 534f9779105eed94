"""Outbound HTTP: signed webhooks and Slack incoming webhooks. One attempt per call — the
Delivery row does the retrying (exponential backoff with jitter, then a dead letter)."""

import hashlib
import hmac
import time

from ..transport import Transport, TransportError
from .messages import envelope, slack_text

SIGNATURE_HEADER = "X-Portal-Signature"
TIMESTAMP_HEADER = "X-Portal-Timestamp"
EVENT_HEADER = "X-Portal-Event"
DELIVERY_HEADER = "X-Portal-Delivery"


def sign(*, secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=`` + hex HMAC-SHA256 of ``"<timestamp>." + body``: the timestamp is signed too, so
    a receiver can refuse old (replayed) requests."""
    message = timestamp.encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


class WebhookClient(Transport):
    name = "the webhook endpoint"

    def __init__(self, url: str, *, secret: str, **kwargs):
        super().__init__(url, max_attempts=1, **kwargs)
        self.secret = secret

    @classmethod
    def for_connection(cls, connection) -> "WebhookClient":
        return cls(connection.base_url, secret=connection.secret())

    def send_event(self, event) -> int:
        """The outbox event as the signed JSON envelope; returns the HTTP status."""
        return self.send(body=envelope(event), topic=event.topic, delivery_key=f"{event.pk}")

    def send(self, *, body: bytes, topic: str, delivery_key: str) -> int:
        if not self.secret:
            raise TransportError(
                "No signing secret: set the connection's shared-secret variable.", permanent=True
            )
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            EVENT_HEADER: topic,
            DELIVERY_HEADER: delivery_key,
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(secret=self.secret, timestamp=timestamp, body=body),
        }
        return self.request("POST", "", data=body, headers=headers).status_code

    def error_for(self, response):
        error = super().error_for(response)
        # A receiver that times out or asks us to slow down may accept later.
        if response.status_code in (408, 409, 425):
            error.permanent = False
        return error


class SlackClient(Transport):
    name = "Slack"

    def __init__(self, url: str, **kwargs):
        super().__init__(url, max_attempts=1, **kwargs)

    @classmethod
    def for_connection(cls, connection) -> "SlackClient":
        return cls(connection.credential() or connection.base_url)

    def send_event(self, event) -> int:
        return self.send(text=slack_text(event))

    def send(self, *, text: str) -> int:
        if not self.base_url:
            raise TransportError(
                "No Slack webhook URL: set the credential variable or the base URL.",
                permanent=True,
            )
        return self.request("POST", "", json={"text": text}).status_code
