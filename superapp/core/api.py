"""Helpers and shapes shared by the API views of every app."""

import threading
from collections.abc import Callable

from django.apps import apps
from django.db.models import Model, QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.generics import ListAPIView


def validated(serializer_class, data, **kwargs) -> dict:
    """``data`` (request body or query parameters) validated by ``serializer_class``; bad input
    raises DRF's ValidationError, answered as 400 ``validation_error`` with ``fields``.
    ``kwargs`` go to the serializer (``partial=True``, ``context=...``)."""
    serializer = serializer_class(data=data, **kwargs)
    if not kwargs:
        serializer.fields = _built_fields(serializer_class)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


_thread_fields = threading.local()


def _built_fields(serializer_class) -> dict:
    """The fields of a ``serializer_class()`` built once per thread and lent to each new one.

    DRF builds a serializer's fields for every instance by deep-copying the declared ones, nested
    serializers and their validators included: a third of the CPU of a checkout refused as sold
    out. Validating keeps nothing in the fields, and every serializer made without ``kwargs`` is
    the same to them (not partial, no context, no instance), so one set serves them all; per
    thread, so that no two requests share one at the same moment."""
    built = _thread_fields.__dict__.setdefault("by_class", {})
    fields = built.get(serializer_class)
    if fields is None:
        fields = built[serializer_class] = serializer_class().fields
    return fields


class SelectorListView(ListAPIView):
    """A cursor-paginated list of what ``selector(request, **url_arguments)`` returns, a
    callable each list view sets. The OpenAPI generator calls ``get_queryset`` without a user or
    URL arguments: it gets an empty queryset of ``model`` (a class, or ``"app_label.Model"`` for
    another app's model, which views do not import)."""

    model: type[Model] | str
    selector: Callable[..., QuerySet]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            model = apps.get_model(self.model) if isinstance(self.model, str) else self.model
            return model.objects.none()
        return self.selector(self.request, **self.kwargs)


class MoneyOutput(serializers.Serializer):
    amount = serializers.IntegerField()
    currency = serializers.CharField()


class AddressInput(serializers.Serializer):
    """The address snapshot given at checkout (e.g. read from the user's granted address)."""

    name = serializers.CharField(max_length=100)
    phone = serializers.CharField(max_length=32)
    line1 = serializers.CharField(max_length=200)
    line2 = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    city = serializers.CharField(max_length=100)
    postal_code = serializers.CharField(max_length=20)
    region = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    country = serializers.RegexField(r"^[A-Z]{2}$")


class WebhookAttemptOutput(serializers.Serializer):
    attempted_at = serializers.DateTimeField()
    status_code = serializers.IntegerField(allow_null=True)
    error = serializers.CharField()
    duration_ms = serializers.IntegerField()


class WebhookDeliveryOutput(serializers.Serializer):
    """One outgoing webhook and each attempt to POST it: the delivery log brands (server push)
    and developers (notify URLs) read."""

    id = serializers.IntegerField()
    event_id = serializers.UUIDField()
    event_type = serializers.CharField()
    url = serializers.URLField()
    status = serializers.CharField()
    attempts = serializers.IntegerField()
    next_attempt_at = serializers.DateTimeField()
    delivered_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    log = WebhookAttemptOutput(many=True)


class InvitationOutput(serializers.Serializer):
    """An invitation to join a team (superapp.teams): the answer of the teams' invitation routes
    and of the older "add a member" routes of brands and developer organisations."""

    id = serializers.IntegerField()
    team_kind = serializers.ChoiceField(choices=["brand", "organisation"])
    team_id = serializers.IntegerField()
    team_name = serializers.CharField()
    role = serializers.ChoiceField(choices=["admin", "associate", "developer"])
    invitee = serializers.CharField(source="invitee.username")
    invited_by = serializers.CharField(source="invited_by.username", default=None, allow_null=True)
    status = serializers.ChoiceField(choices=["pending", "accepted", "declined", "revoked"])
    created_at = serializers.DateTimeField()
    responded_at = serializers.DateTimeField(allow_null=True)


@extend_schema_field(
    {"oneOf": [{"type": "integer", "minimum": 1}, {"type": "string", "format": "uri"}]}
)
class ImageReference(serializers.Field):
    """An uploaded image's id (``POST /api/v1/media``) or, as before uploads existed, the URL
    of an image hosted elsewhere."""

    def to_internal_value(self, data):
        if isinstance(data, int) and not isinstance(data, bool) and data > 0:
            return data
        return serializers.URLField(max_length=500).run_validation(data)

    def to_representation(self, value):
        return value
