"""Evidence files: screenshots or PDFs, recognised by their content (not their name) and
size-limited by ``settings.UPLOAD_MAX_BYTES``."""

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
    return kind.mime
