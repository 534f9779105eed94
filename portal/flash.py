"""What happened, after every action: Django messages, also for htmx requests.

A view says what it did with ``messages.success(request, …)`` (or :func:`flash_undo` for an
action that can be undone for a while) whether the request came from htmx or not:

- a plain request redirects, and ``base.html`` shows the messages on the next page;
- an htmx request gets them appended to its fragment as an out-of-band swap into the page's
  ``#messages`` live region (:class:`HtmxMessagesMiddleware`), so a message shows without a
  page load and screen readers announce it. A 204 becomes a 200 so htmx processes that swap.

Responses that send the browser elsewhere (a 3xx, ``HX-Redirect``, ``HX-Location``,
``HX-Refresh``) leave the messages stored for the page that follows.
"""

from django.contrib import messages
from django.template.loader import render_to_string

# How long the page offers "Undo" (the service's own window is longer: see feedback.triage).
UNDO_SHOWN_SECONDS = 30
_ELSEWHERE = ("HX-Redirect", "HX-Location", "HX-Refresh")


def flash_undo(request, text: str, *, undo_url: str, level=messages.SUCCESS) -> None:
    """A message with an "Undo" button (a POST form, so it works without JavaScript too)."""
    html = render_to_string(
        "partials/message_undo.html",
        {"text": text, "undo_url": undo_url, "seconds": UNDO_SHOWN_SECONDS},
        request=request,
    )
    messages.add_message(request, level, html, extra_tags="undo")


class HtmxMessagesMiddleware:
    """Append the pending messages to an htmx response as an out-of-band swap."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not getattr(request, "htmx", False) or getattr(response, "streaming", False):
            return response
        if 300 <= response.status_code < 400 or any(h in response for h in _ELSEWHERE):
            return response
        if not response.get("Content-Type", "text/html").startswith("text/html"):
            return response
        storage = getattr(request, "_messages", None)
        if storage is None:
            return response
        pending = list(storage)  # marks them used: they are shown here, not on the next page
        if not pending:
            return response
        html = render_to_string(
            "partials/messages.html", {"messages": pending, "oob": True}, request=request
        )
        if response.status_code == 204:
            response.status_code = 200
        # In a <template>: htmx swaps out-of-band elements from there, and the browser parses
        # its content on its own. Bare after a table row fragment (the triage queue's
        # ``<tbody>``), the message's "Undo" <form> would be parsed in table context, where a
        # form keeps none of its fields, and its button would submit nothing.
        response.content = response.content + b"<template>" + html.encode() + b"</template>"
        return response
