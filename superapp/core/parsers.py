"""The API's JSON parser: DRF's, with a nesting limit.

Python's JSON decoder recurses once per nesting level: a couple of kilobytes of ``[`` reach
the interpreter's recursion limit (a RecursionError, a 500) on every JSON endpoint, before any
authentication. Nothing Plaza accepts nests deeper than a few levels, so anything deeper than
``JSON_MAX_DEPTH`` is refused with 400 ``parse_error``."""

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError


def _deeper_than(data, limit: int) -> bool:
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        too_deep = ParseError(f"JSON may nest at most {settings.JSON_MAX_DEPTH} levels.")
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise too_deep from exc
        if _deeper_than(data, settings.JSON_MAX_DEPTH):
            raise too_deep
        return data
