"""OpenAPI generation: every operation documents the one error shape of the API, and the API
kit's base classes document the kit, not the endpoints built on them."""

from drf_spectacular.plumbing import get_lib_doc_excludes

from superapp.core.api import SelectorListView

ERROR_SCHEMA = {
    "type": "object",
    "required": ["code", "detail"],
    "properties": {
        "code": {"type": "string", "description": "Stable snake_case error code."},
        "detail": {"type": "string"},
        "fields": {
            "type": "object",
            "additionalProperties": True,
            "description": "Per-field messages of a validation_error.",
        },
    },
    "additionalProperties": True,
}
ERROR_RESPONSE = {
    "description": "Error: see `code` (docs/api-guide.md lists them).",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if isinstance(operation, dict) and "responses" in operation:
                operation["responses"].setdefault("4XX", ERROR_RESPONSE)
    return result


def lib_doc_excludes() -> list[type]:
    """drf-spectacular's ``GET_LIB_DOC_EXCLUDES``: classes whose docstring is not an operation's
    description. A view without a docstring of its own is described by nothing, rather than by
    the docstring of a base class (``SelectorListView`` explains its ``selector`` to developers,
    not the endpoint to API clients)."""
    return [*get_lib_doc_excludes(), SelectorListView]
