"""Input rules every API write shares (found when probed: unknown fields were silently ignored,
text was unbounded, a number was taken for text).

- :class:`StrictFieldsMixin` on an input serializer: a field it does not declare answers 400
  naming it ("Unknown field."), and every ``CharField`` without a limit gets
  ``API_TEXT_MAX_LENGTH`` (enforced, and stated as ``maxLength`` in the schema); in a JSON body,
  text fields take strings only, lists of strings only strings, booleans only true or false
  (``TextOrNumberField`` for an id clients send as a number or a string).
- :class:`BoundedJSONParser` (``DEFAULT_PARSER_CLASSES``): a body over ``API_MAX_BODY_BYTES`` or
  nested deeper than ``API_MAX_JSON_DEPTH`` answers a JSON 400 instead of a 500 (a deep array
  exhausted the decoder's recursion) or Django's HTML 400.
"""

import json
from collections.abc import Mapping

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.http import QueryDict
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


@extend_schema_field({"oneOf": [{"type": "string"}, {"type": "integer"}]})
class TextOrNumberField(serializers.CharField):
    """Text that may also come as a JSON number (an id that clients send either way)."""


class StrictFieldsMixin:
    """Refuse undeclared fields; bound every free-text field."""

    def get_fields(self):
        fields = super().get_fields()
        limit = settings.API_TEXT_MAX_LENGTH
        for field in fields.values():
            if (
                isinstance(field, serializers.CharField)
                and not field.read_only
                and field.max_length is None
            ):
                field.max_length = limit
                field.validators.append(MaxLengthValidator(limit))
        return fields

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = sorted(str(name) for name in data if name not in self.fields)
            if unknown:
                raise serializers.ValidationError(
                    {name: ["Unknown field: this operation does not take it."] for name in unknown}
                )
            if not isinstance(data, QueryDict):
                # JSON says true or false: DRF would also take 0, 1, "yes", "on".
                loose = sorted(
                    name
                    for name, field in self.fields.items()
                    if isinstance(field, serializers.BooleanField)
                    and not field.read_only
                    and name in data
                    and not isinstance(data[name], bool)
                    and not (data[name] is None and field.allow_null)
                )
                if loose:
                    raise serializers.ValidationError(
                        {name: ["Must be true or false."] for name in loose}
                    )
                # Text is a JSON string: DRF would turn 0 into "0".
                not_str = sorted(
                    name
                    for name, field in self.fields.items()
                    if isinstance(field, serializers.CharField)
                    and not isinstance(field, TextOrNumberField)
                    and not field.read_only
                    and name in data
                    and data[name] is not None
                    and not isinstance(data[name], str)
                )
                if not_str:
                    raise serializers.ValidationError(
                        {name: ["Must be text (a JSON string)."] for name in not_str}
                    )
                # A list of strings holds strings: DRF would turn [0] into ["0"].
                not_text = sorted(
                    name
                    for name, field in self.fields.items()
                    if not field.read_only and name in data and not _text_ok(field, data[name])
                )
                if not_text:
                    raise serializers.ValidationError(
                        {name: ["Must be a list of strings."] for name in not_text}
                    )
        return super().to_internal_value(data)


def _text_ok(field, value) -> bool:
    """A list for a list-of-strings field holds only strings (null is the field's own rule)."""
    if not isinstance(value, list):
        return True
    if isinstance(field, serializers.ListField):
        choices = getattr(field.child, "choices", None)
        text = isinstance(field.child, serializers.CharField) or (
            choices is not None and all(isinstance(key, str) for key in choices)
        )
    elif isinstance(field, serializers.MultipleChoiceField):
        text = all(isinstance(key, str) for key in field.choices)
    else:
        return True
    return not text or all(isinstance(v, str) for v in value)


BLANK_PARAM = "Give a value or leave the parameter out."


class NoBlankParamsMixin:
    """Query parameters that are given must hold a value: ``?until=`` is refused with a message
    rather than read as "not given" (DRF's default for an optional field)."""

    def to_internal_value(self, data):
        if isinstance(data, QueryDict):
            blank = sorted(
                name
                for name, field in self.fields.items()
                if name in data
                and data.get(name) == ""
                and not getattr(field, "allow_blank", False)
            )
            if blank:
                raise serializers.ValidationError({name: [BLANK_PARAM] for name in blank})
        return super().to_internal_value(data)


def json_depth(value) -> int:
    """How deeply arrays and objects nest in a decoded JSON value (iteratively: no recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children)
    return deepest


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser with a size and a nesting limit."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_MAX_BODY_BYTES
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise ParseError(f"The request body is larger than {limit} bytes.")
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = json.loads(raw.decode(encoding), parse_constant=_refuse_constant)
        except RecursionError:
            data = None
            depth = None
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        else:
            depth = json_depth(data)
        max_depth = settings.API_MAX_JSON_DEPTH
        if depth is None or depth > max_depth:
            raise ParseError(f"The JSON is nested too deeply (more than {max_depth} levels).")
        return data


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")
