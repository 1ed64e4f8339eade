"""Every declared domain event (each app's events.py) survives its trip through the outbox, and a
payload that differs from its declaration is refused rather than half-read."""

import dataclasses
import json
import types
import typing
from datetime import UTC, datetime

import pytest

from superapp.core.domain_events import EventPayloadMismatch, Record, declared_events

APP_EVENTS = {
    name: cls for name, cls in declared_events().items() if not cls.__module__.startswith("tests")
}


def example(hint):
    """A value of the declared type (nested records and optional fields included)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return example(next(arg for arg in args if arg is not type(None)))
    if origin is tuple:
        return (example(args[0]), example(args[0]))
    if origin is dict or hint is dict:
        return {"key": "value", "n": 1}
    if isinstance(hint, type) and issubclass(hint, Record):
        return build(hint)
    return {int: 7, str: "text", bool: True, datetime: datetime(2026, 12, 6, 1, 2, tzinfo=UTC)}[
        hint
    ]


def build(cls):
    return cls(**{f.name: example(f.type) for f in dataclasses.fields(cls)})


def test_every_app_declares_its_events_under_its_own_names():
    assert set(APP_EVENTS) >= {
        "official.account_followed",
        "official.service_message_received",
        "miniprograms.subscribe_message_sent",
        "shop.order_paid",
        "shop.order_status_changed",
        "shop.order_refunded",
        "payments.payorder_paid",
        "payments.payorder_refunded",
        "loyalty.reward_redeemed",
        "loyalty.campaign_sent",
    }
    for name, cls in APP_EVENTS.items():
        assert cls.__module__.endswith(".events"), cls
        assert dataclasses.fields(cls), name
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(build(cls), dataclasses.fields(cls)[0].name, None)


@pytest.mark.parametrize("name", sorted(APP_EVENTS))
def test_an_event_comes_back_from_its_stored_payload_unchanged(name):
    event = build(APP_EVENTS[name])
    stored = json.loads(json.dumps(event.to_payload()))  # what the JSON column keeps
    assert APP_EVENTS[name].from_payload(stored) == event


@pytest.mark.parametrize("name", sorted(APP_EVENTS))
def test_a_payload_that_differs_from_the_declaration_is_refused(name):
    cls = APP_EVENTS[name]
    payload = json.loads(json.dumps(build(cls).to_payload()))
    first = dataclasses.fields(cls)[0].name
    missing = {k: v for k, v in payload.items() if k != first}
    with pytest.raises(EventPayloadMismatch, match="declared"):
        cls.from_payload(missing)
    with pytest.raises(EventPayloadMismatch, match="declared"):
        cls.from_payload({**payload, "undeclared": 1})
    mistyped = {**payload, first: [payload[first]]}
    with pytest.raises(EventPayloadMismatch):
        cls.from_payload(mistyped)
