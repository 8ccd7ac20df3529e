"""Fields of an API record that only some roles get: the pages' field rules, applied by the API.

A serializer lists its `restricted_fields` and the permission that sees them; a user without it
gets the record without those fields (as the page hides them), in JSON and CSV alike. The
schema marks them optional and names the permission (`document_restricted_fields`).

Part of the kit in core: it imports no app.
"""

from __future__ import annotations

#: Schema component name → (permission, field names) of every restricted serializer.
_RESTRICTED: dict[str, tuple[str, tuple[str, ...]]] = {}


class RestrictedFieldsMixin:
    """A serializer whose `restricted_fields` only users with `restricted_permission` read.
    Without a request in its context (a service's own use) every field is given."""

    restricted_permission: str = ""
    restricted_fields: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.restricted_fields:
            component = cls.__name__.removesuffix("Serializer")
            _RESTRICTED[component] = (cls.restricted_permission, tuple(cls.restricted_fields))

    def hidden_fields(self) -> set[str]:
        """The restricted fields the request's user may not read."""
        request = self.context.get("request") if hasattr(self, "context") else None
        if request is None or request.user.has_perm(self.restricted_permission):
            return set()
        return set(self.restricted_fields)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        for name in self.hidden_fields():
            data.pop(name, None)
        return data


def document_restricted_fields(result, generator, request, public):
    """Postprocessing hook: a restricted field is optional in its record's schema and says who
    gets it."""
    schemas = result.get("components", {}).get("schemas", {})
    for component, (permission, names) in _RESTRICTED.items():
        schema = schemas.get(component)
        if schema is None:
            continue
        schema["required"] = [n for n in schema.get("required", []) if n not in names]
        for name in names:
            prop = schema.get("properties", {}).get(name)
            if prop is not None:
                given = f"Only for users with the permission {permission}."
                prop["description"] = f"{prop.get('description', '')} {given}".strip()
    return result
