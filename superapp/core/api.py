"""Helpers shared by the API views of every app."""


def validated(serializer_class, data, **kwargs) -> dict:
    """``data`` (request body or query parameters) validated by ``serializer_class``; bad input
    raises DRF's ValidationError, answered as 400 ``validation_error`` with ``fields``.
    ``kwargs`` go to the serializer (``partial=True``, ``context=...``)."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
