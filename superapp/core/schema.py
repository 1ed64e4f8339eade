"""OpenAPI post-processing: every operation documents the one error shape of the API."""

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
