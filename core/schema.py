"""The published schema says what the API does: the errors every operation can answer, in one
shape, and the `version` an update must name (postprocessing hooks of drf-spectacular).

Part of the kit in core: it imports no app.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

#: The marker a VersionField leaves in its schema for `require_versions` to act on.
_VERSION_MARK = "x-portal-version"


@extend_schema_field({"type": "integer", _VERSION_MARK: True})
class VersionField(serializers.IntegerField):
    """The version of the record the client read, for an update. The schema makes it required;
    the serializer does not, because an If-Match ETag may stand in for it (`expected_version`
    answers 400 when neither comes)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            "The version you read (or send it as an If-Match ETag); a stale one is 409.",
        )
        super().__init__(**kwargs)


def require_versions(result, generator, request, public):
    """Postprocessing hook: a VersionField is a required property of its request body, and a
    body with a required property is itself required (drf-spectacular leaves a PATCH's body
    optional, so an empty PATCH looked valid and was refused 400 for its missing version)."""
    schemas = result.get("components", {}).get("schemas", {})
    for schema in schemas.values():
        for name, prop in schema.get("properties", {}).items():
            if prop.pop(_VERSION_MARK, False):
                schema["required"] = sorted({*schema.get("required", []), name})
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            body = operation.get("requestBody")
            if not body or body.get("required"):
                continue
            refs = [media.get("schema", {}).get("$ref", "") for media in body["content"].values()]
            if any(schemas.get(ref.rsplit("/", 1)[-1], {}).get("required") for ref in refs):
                body["required"] = True
    return result


_ERROR = {"$ref": "#/components/schemas/Error"}
_FIELD_ERRORS = {"$ref": "#/components/schemas/FieldErrors"}
_ERROR_RESPONSES = {
    "400": (
        "Bad input: the message(s) per field, or a detail when the body cannot be read",
        {"anyOf": [_FIELD_ERRORS, _ERROR]},
    ),
    "401": ("Not authenticated: send a session cookie or `Authorization: Token …`", _ERROR),
    "403": ("Authenticated, but your role may not do this", _ERROR),
    "404": ("No such record (or not one you may see)", _ERROR),
    "422": (
        "Well formed, but naming a record that does not exist (e.g. a customer or committee "
        "id), or a month with nothing to report (before the first reporting month, or not "
        "ended): the message(s) per field",
        _FIELD_ERRORS,
    ),
    "409": (
        "Refused: a stale version, a locked month, a gate's rule, or a record that exists "
        "already (e.g. a survey round with the same label or day)",
        _ERROR,
    ),
}
_PUBLIC_PATHS = ("/api/schema/", "/api/docs/", "/api/auth/token/")


def document_errors(result, generator, request, public):
    """Postprocessing hook: every operation documents the errors it can answer, in one shape."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    }
    schemas["FieldErrors"] = {
        "type": "object",
        "description": (
            'Field name → messages, e.g. {"identified_at": ["…"]}; a nested field (a list of '
            "scores, a checklist) nests its messages the same way."
        ),
        "additionalProperties": {
            "anyOf": [
                {"type": "array", "items": {"type": "string"}},
                {"type": "object"},
                {"type": "array", "items": {"type": "object"}},
            ]
        },
    }
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            codes = _error_codes(path, method, operation)
            responses = operation.setdefault("responses", {})
            for code in codes:
                description, schema = _ERROR_RESPONSES[code]
                if code in responses and "content" in responses[code]:
                    # An operation's own error body (e.g. an import report) may come as well as
                    # the common one.
                    own = responses[code]["content"].get("application/json", {}).get("schema")
                    if own and "$ref" in own and own != schema:
                        schema = {"anyOf": [own, schema]}
                    responses[code]["content"] = {"application/json": {"schema": schema}}
                    responses[code]["description"] = responses[code].get("description") or (
                        description
                    )
                    continue
                responses[code] = {
                    "description": description,
                    "content": {"application/json": {"schema": schema}},
                }
    return result


def _error_codes(path: str, method: str, operation: dict) -> list[str]:
    writes = method in ("post", "put", "patch", "delete")
    if path == "/api/auth/token/":
        # Wrong credentials are 401 (missing ones 400).
        return ["400", "401"]
    if path in _PUBLIC_PATHS:
        return ["400"] if writes else []
    codes = ["401", "403"]
    if writes or operation.get("parameters"):
        codes.append("400")
    # A record not found, a page past the last, or a `format` the operation does not give.
    codes.append("404")
    if writes:
        codes.append("409")
    if "requestBody" in operation:
        codes.append("422")
    return codes


#: A string the API takes may hold any character but NUL (DRF's ProhibitNullCharactersValidator
#: answers 400 for one); the escape stays text in the schema, as ECMA-262 and Python read it.
NO_NUL = "^[^\\u0000]*$"


def exclude_nul(result, generator, request, public):
    """Postprocessing hook: a string of a request body or query, with no pattern, format or
    choices of its own, says it excludes NUL, as the API does."""
    schemas = result.get("components", {}).get("schemas", {})
    for name, schema in schemas.items():
        if name.endswith("Request"):
            _exclude_nul(schema)
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query":
                    _exclude_nul(parameter.get("schema", {}))
            for media in operation.get("requestBody", {}).get("content", {}).values():
                if "$ref" not in media.get("schema", {}):
                    _exclude_nul(media.get("schema", {}))
    return result


def _exclude_nul(schema: dict) -> None:
    if schema.get("type") == "string" and not {"pattern", "format", "enum"} & schema.keys():
        schema["pattern"] = NO_NUL
    for prop in schema.get("properties", {}).values():
        _exclude_nul(prop)
    if isinstance(schema.get("items"), dict):
        _exclude_nul(schema["items"])
    if isinstance(schema.get("additionalProperties"), dict):
        _exclude_nul(schema["additionalProperties"])
    for key in ("allOf", "anyOf", "oneOf"):
        for part in schema.get(key, []):
            _exclude_nul(part)
