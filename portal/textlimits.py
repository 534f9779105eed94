"""Length limits of free-text fields (found when probed: a 5.5 MB ticket description was
accepted). Every text a person types has a limit, on the model (so ``full_clean`` in the services
refuses it, whatever the entry point), in the form (``maxlength``) and in the API schema
(``maxLength``, from the model field or :class:`portal.api.serializers.StrictFieldsMixin`)."""

from django.core.validators import MaxLengthValidator
from django.db import models

SHORT = 2_000  # notes, reasons
MEDIUM = 5_000  # quotes, goals, evidence
LONG = 20_000  # Markdown descriptions, protocols
DOCUMENT = 2_000_000  # an imported document kept verbatim (the upload limit bounds it further)


def bounded_text(limit: int, *args, **kwargs) -> models.TextField:
    """A ``TextField`` whose limit holds in ``full_clean``, forms and the API schema."""
    return models.TextField(
        *args, max_length=limit, validators=[MaxLengthValidator(limit)], **kwargs
    )
