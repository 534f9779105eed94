"""What every inbound webhook checks before its connector sees the payload: a known, enabled
connection of the view's kind, a configured secret, a valid HMAC signature of the raw body, a POST
with a JSON body under the size limit. Anything unsigned, wrongly signed or of another kind is
rejected and nothing is stored. Each connector's ``<tool>/webhooks.py`` subclasses
:class:`WebhookView`; its ``handle()`` calls a service (receipts are written there, never here)."""

import hashlib
import hmac
import json
import logging

from django.conf import settings
from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from integrations.models import Connection

logger = logging.getLogger(__name__)


def reject(status: int, message: str) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status)


def signature_valid(*, secret: str, body: bytes, header: str, algorithm) -> bool:
    if not secret or not header:
        return False
    expected = hmac.new(secret.encode(), body, algorithm).hexdigest()
    given = header.split("=", 1)[1] if "=" in header else header
    return hmac.compare_digest(expected, given.strip().lower())


@method_decorator(csrf_exempt, name="dispatch")
class WebhookView(View):
    """Shared checks: a known, enabled connection of the right kind, a configured secret, a valid
    signature, a POST with a JSON body under the size limit."""

    kind: str
    signature_header: str
    algorithm = hashlib.sha256

    def dispatch(self, request, pk: int):
        connection = Connection.objects.filter(pk=pk, kind=self.kind, enabled=True).first()
        body = request.body if request.method == "POST" else b""
        if len(body) > settings.CONNECTOR_WEBHOOK_MAX_BYTES:
            return reject(413, "The body is too large.")
        if connection is None or not self.authenticated(request, connection, body):
            # Same answer for unknown connections and bad signatures: nothing to probe.
            return reject(401, self.auth_failure_message())
        if request.method != "POST":
            return reject(405, "Only POST is accepted.")
        try:
            payload = json.loads(body)
        except ValueError:
            return reject(400, "The body is not JSON.")
        return self.handle(request, connection, payload)

    def authenticated(self, request, connection, body: bytes) -> bool:
        """The HMAC of the raw body in :attr:`signature_header`; a connector whose tool signs
        another way (Jira's JWT, Segment's batches) overrides this."""
        return signature_valid(
            secret=connection.secret(),
            body=body,
            header=request.headers.get(self.signature_header, ""),
            algorithm=self.algorithm,
        )

    def auth_failure_message(self) -> str:
        return f"Missing or invalid {self.signature_header} signature."

    def handle(self, request, connection, payload):
        raise NotImplementedError
