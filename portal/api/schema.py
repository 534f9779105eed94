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
