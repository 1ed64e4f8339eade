"""Marketing consent: granting and withdrawing it."""

from django.db import transaction
from django.utils import timezone

from loyalty.models import (
    Consent,
)
from loyalty.services.clients import _client_touch
from miniprograms import selectors as miniprogram_selectors
from superapp.core.errors import InvalidInput
from superapp.official import selectors as official_selectors

# --- Consent ----------------------------------------------------------------------------------


@transaction.atomic
def consent_grant(
    *, actor, purpose: str, brand_id: int | None = None, app_id: str | None = None
) -> Consent:
    """Consent to one purpose for a brand or a mini-program; granting twice is a no-op.
    Consenting to a brand opts the consumer into its client book."""
    party = _consent_party(brand_id=brand_id, app_id=app_id)
    active = Consent.objects.filter(user=actor, purpose=purpose, withdrawn_at__isnull=True, **party)
    existing = active.first()
    if existing is not None:
        return existing
    consent = Consent.objects.create(
        user=actor, purpose=purpose, granted_at=timezone.now(), **party
    )
    if brand_id is not None:
        _client_touch(brand_id=brand_id, user_id=actor.pk, opted_in=True)
    return consent


@transaction.atomic
def consents_withdraw(
    *,
    actor,
    brand_id: int | None = None,
    app_id: str | None = None,
    purposes: list[str] | None = None,
) -> int:
    """Withdraw in one step: every purpose (or the given ones) for one brand, one
    mini-program, or, with neither, everything the consumer ever consented to."""
    active = Consent.objects.filter(user=actor, withdrawn_at__isnull=True)
    if brand_id is not None or app_id is not None:
        active = active.filter(**_consent_party(brand_id=brand_id, app_id=app_id))
    if purposes:
        active = active.filter(purpose__in=purposes)
    return active.update(withdrawn_at=timezone.now())


def _consent_party(*, brand_id: int | None, app_id: str | None) -> dict:
    if (brand_id is None) == (app_id is None):
        raise InvalidInput(fields={"brand_id": ["Give exactly one of brand_id or app_id."]})
    if brand_id is not None:
        return {"brand": official_selectors.brand_get(brand_id=brand_id)}
    return {"miniprogram": miniprogram_selectors.miniprogram_by_app_id(app_id)}
