"""The ASGI entry point a server process starts from."""

import gc

import superapp.asgi


def test_a_server_process_starts_with_its_heap_out_of_the_collectors_reach():
    """Views, serializers and models are imported and frozen at start, so a full collection
    walks only what requests made since (docs/operations.md: 110 ms per collection before)."""
    assert superapp.asgi.application is not None
    assert gc.get_freeze_count() > 50_000
