"""Segments and the campaigns sent to them."""

from django.conf import settings
from django.db import transaction

from loyalty import errors, selectors
from loyalty.models import (
    Campaign,
    Segment,
)
from superapp.core.domain_events import emit
from superapp.official import events as official_events
from superapp.official import selectors as official_selectors

# --- Segments and campaigns -------------------------------------------------------------------


@transaction.atomic
def segment_create(*, actor, brand_id: int, name: str, filters: dict) -> Segment:
    brand = official_selectors.brand_for_member(brand_id=brand_id, user=actor)
    selectors.segment_filters_check(brand_id=brand.pk, user=actor, filters=filters)
    return Segment.objects.create(brand=brand, name=name, filters=filters, created_by=actor)


@transaction.atomic
def campaign_send(
    *,
    actor,
    brand_id: int,
    segment_id: int,
    title: str,
    body: str,
    account_id: int | None = None,
) -> Campaign:
    """Message a segment through the brand's official account (its oldest one when none is
    named), only to clients who consent to marketing by this brand now;
    ``loyalty.campaign_sent`` carries the final recipients."""
    official_selectors.brand_for_member(
        brand_id=brand_id, user=actor, roles=official_selectors.MANAGERS
    )
    if account_id is None:
        account_id = official_selectors.brand_first_account_id(brand_id=brand_id)
        if account_id is None:
            raise errors.AccountNotFound("This brand has no official account to send from.")
    account = official_selectors.account_get(account_id=account_id)
    if account.brand_id != brand_id:  # another brand's account is as good as none
        raise errors.AccountNotFound()
    segment = selectors.segment_for_staff(brand_id=brand_id, segment_id=segment_id)
    audience = selectors.segment_clients(segment=segment, user=actor)
    user_ids = selectors.marketing_consenting_user_ids(brand_id=brand_id, clients=audience)
    if not user_ids:
        raise errors.NoRecipients()
    if len(user_ids) > settings.LOYALTY_CAMPAIGN_MAX_RECIPIENTS:
        raise errors.TooManyRecipients(limit=settings.LOYALTY_CAMPAIGN_MAX_RECIPIENTS)
    campaign = Campaign.objects.create(
        brand_id=brand_id,
        segment=segment,
        account_id=account_id,
        title=title,
        body=body,
        recipient_count=len(user_ids),
        skipped_without_consent=audience.count() - len(user_ids),
        sent_by=actor,
    )
    emit(
        official_events.CampaignSent(
            campaign_id=campaign.pk,
            brand_id=brand_id,
            account_id=account_id,
            user_ids=tuple(user_ids),
            title=title,
            body=body,
        )
    )
    return campaign
