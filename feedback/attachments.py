"""Evidence files: screenshots or PDFs, recognised by their content (not their name) and
size-limited by ``settings.UPLOAD_MAX_BYTES``.

Found when probed: an image/HTML polyglot kept its client name ``x.html`` and ran script under
the portal's origin when served from ``/media/``. Now a file is refused when its bytes carry
markup a browser would render (HTML, SVG, XML, script), it is stored under a random name with the
extension of its sniffed type (:func:`stored_name`), and it is only ever served by the
permission-checked view as a download (``MEDIA_ROOT`` has no URL)."""

import re
import secrets

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

ALLOWED_TYPES = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/pdf": "pdf",
}
MAX_FILES = 5
# Markup that makes a browser treat bytes as a document, checked case-insensitively. Browsers
# sniff the first ~1.5 KB for HTML, so short tags are looked for there; over the whole file only
# tokens long enough never to occur by chance in compressed image data.
HEAD_BYTES = 2048
HEAD_MARKUP = re.compile(
    rb"<(?:(?:!doctype|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p|svg"
    rb"|img|meta|link|object|embed)[\s>/]|!--|\?xml)",
    re.IGNORECASE,
)
FILE_MARKUP = re.compile(
    rb"<\s*(?:script|html|body|head|iframe|object|embed|svg[\s>/]|!doctype|\?xml)"
    rb"|javascript:",
    re.IGNORECASE,
)


def evidence_type(upload) -> str:
    """The content type of an uploaded evidence file, or ValidationError naming the file."""
    name = getattr(upload, "name", "file")
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            f"{name} is {filesizeformat(upload.size)}; the limit is "
            f"{filesizeformat(settings.UPLOAD_MAX_BYTES)}.",
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(512)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise ValidationError(
            f"{name} is not a screenshot (PNG, JPEG, GIF, WebP) or a PDF.", code="wrong_type"
        )
    if kind.mime != "application/pdf" and _has_markup(upload):
        raise ValidationError(
            f"{name} looks like an image but holds HTML, SVG or script; it is refused.",
            code="markup",
        )
    return kind.mime


def _has_markup(upload) -> bool:
    upload.seek(0)
    tail = b""
    try:
        head = upload.read(HEAD_BYTES)
        if HEAD_MARKUP.search(head):
            return True
        upload.seek(0)
        for chunk in upload.chunks(64 * 1024):
            if FILE_MARKUP.search(tail + chunk):
                return True
            tail = chunk[-16:]
    finally:
        upload.seek(0)
    return False


def stored_name(content_type: str) -> str:
    """A random file name with the extension of the sniffed type (never the client's name)."""
    return f"{secrets.token_hex(16)}.{ALLOWED_TYPES[content_type]}"
