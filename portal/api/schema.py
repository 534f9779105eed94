"""The error shapes of every API operation, stated once.

DRF answers errors in two shapes: ``{"detail": "…"}`` (401, 403, 404, 405, 409, 415, 429) and the
validation errors of a 400 (``{"field": ["…"]}``, ``{"non_field_errors": ["…"]}``, a batch's
``{"0": {"field": ["…"]}}`` or a plain ``["…"]``). :func:`error_responses_hook` (a
drf-spectacular postprocessing hook) adds the ones each operation can answer, so no view has to
list them and a new endpoint cannot forget them: 400 when it takes a body or query parameters,
401/403 always (the API needs a login and a role), 404 when its path names an object (and on
lists, whose ``?page=`` past the end is a 404), 415 when it takes a body, 429 (throttles).
A view's own description of a status (``OpenApiResponse(description=…)``) keeps its words and
gets the shape.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}

VALIDATION = {
    "oneOf": [
        {
            "type": "object",
            "description": "Messages by field name (``non_field_errors`` for the whole input); "
            "a batch names the failing item's index.",
            "additionalProperties": {},
        },
        {"type": "array", "items": {"type": "string"}},
    ]
}

STANDARD = {
    "400": ("ValidationErrors", "Invalid input: the messages by field."),
    "401": ("Detail", "No credentials, or bad ones."),
    "403": ("Detail", "Your role (or the token's scope) does not allow this operation."),
    "404": ("Detail", "No such object (or a page past the end)."),
    "415": ("Detail", "The request body is not in a supported media type."),
    "429": ("Detail", "Throttled: retry after the number of seconds in ``Retry-After``."),
}


def _applies(status: str, operation: dict, path: str, method: str) -> bool:
    has_body = "requestBody" in operation
    if status == "400":
        return has_body or bool(operation.get("parameters"))
    if status == "404":
        return "{" in path or method == "get"
    if status == "415":
        return has_body
    return True


def error_responses_hook(result, generator, request, public):
    """Add the standard error responses (with their shapes) to every operation of the schema."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Detail", DETAIL)
    components.setdefault("ValidationErrors", VALIDATION)
    for path, methods in result.get("paths", {}).items():
        for method, operation in methods.items():
            responses = operation.setdefault("responses", {})
            for status, (component, description) in STANDARD.items():
                if not _applies(status, operation, path, method):
                    continue
                response = responses.setdefault(status, {"description": description})
                response.setdefault(
                    "content",
                    {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
                )
            for status, response in responses.items():
                # A status a view described in words only (409, …) answers {"detail": …}.
                if status[0] in "45" and "content" not in response:
                    response["content"] = {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Detail"}}
                    }
    return result


def _model_field(field):
    """The model field a serializer field reads (following ``a.b`` sources) and whether a
    nullable relation on the way makes it null; ``(None, False)`` when it reads no model field."""
    from django.core.exceptions import FieldDoesNotExist

    parent = getattr(field, "parent", None)
    model = getattr(getattr(parent, "Meta", None), "model", None)
    if model is None or not getattr(field, "source", None) or field.source == "*":
        return None, False
    model_field, through_null = None, False
    names = field.source.split(".")
    for position, name in enumerate(names):
        if model is None:
            return None, False
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return None, False
        if position < len(names) - 1 and model_field.null:
            through_null = True
        model = model_field.related_model
    return model_field, through_null


class PortalAutoSchema(AutoSchema):
    """drf-spectacular's schema, told what a field of an answer may hold: DRF drops
    ``allow_blank`` from read-only fields, so a blank choice (``horizon: ""``), a blank URL, a
    null relation shown by name or a field read through a null relation would break the
    documented answer. The model fields on the way say."""

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if not (field.read_only or direction == "response"):
            return schema
        model_field, through_null = _model_field(field)
        if model_field is None or "$ref" in schema or schema.get("type") == "array":
            return schema
        if (model_field.null or through_null) and not schema.get("nullable"):
            schema["nullable"] = True
            if "enum" in schema and None not in schema["enum"]:
                schema["enum"] = [*schema["enum"], None]
        if model_field.blank and schema.get("type") == "string":
            if "enum" in schema and "" not in schema["enum"]:
                schema["enum"] = [*schema["enum"], ""]
            _allow_blank(schema)
        return schema

    def _insert_field_validators(self, field, schema):
        # The field's own validators (a URL's, a slug's) come back here: a blank one matches none.
        super()._insert_field_validators(field, schema)
        if field.read_only and "$ref" not in schema and schema.get("type") == "string":
            model_field, _ = _model_field(field)
            if model_field is not None and model_field.blank:
                _allow_blank(schema)


def _allow_blank(schema: dict) -> None:
    """A blank value matches no pattern, length or format ("" is no URI)."""
    for key in ("pattern", "minLength", "format"):
        schema.pop(key, None)


class ClientCredentialsScheme(OpenApiAuthenticationExtension):
    """OAuth2 client credentials in the schema: the token URL, every scope, and each operation's
    own scope as its security requirement (``portal.apiaccess.scopes.required_scope``)."""

    target_class = "portal.apiaccess.authentication.ClientCredentialsAuthentication"
    name = "oauth2"

    def get_security_requirement(self, auto_schema):
        from portal.apiaccess.scopes import required_scope

        scope = required_scope(auto_schema.view, auto_schema.method)
        return {self.name: [scope]} if scope else []

    def get_security_definition(self, auto_schema):
        from portal.apiaccess.scopes import SCOPES

        return {
            "type": "oauth2",
            "flows": {"clientCredentials": {"tokenUrl": "/o/token/", "scopes": dict(SCOPES)}},
        }
