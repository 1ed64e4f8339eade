"""Data rights for the official app: what it holds about a user, and how to erase it.

A user appears here as a follower (follows, customer-service threads) and as brand staff
(memberships, messages sent as the brand, audit entries)."""

from django.db import transaction

from superapp.official import services
from superapp.official.models import BrandAuditEntry, BrandMember, Follow, ServiceMessage


def export(user) -> dict:
    follows = Follow.objects.filter(user=user).select_related("account").order_by("id")
    messages = (
        ServiceMessage.objects.filter(conversation__user=user)
        .select_related("conversation__account")
        .order_by("id")
    )
    memberships = BrandMember.objects.filter(user=user).select_related("brand").order_by("id")
    return {
        "follows": [
            {
                "account_id": f.account_id,
                "account": f.account.name,
                "followed_at": f.followed_at.isoformat(),
            }
            for f in follows
        ],
        "service_messages": [
            {
                "account": m.conversation.account.name,
                "direction": m.direction,
                "kind": m.kind,
                "title": m.title,
                "text": m.text,
                "created_at": m.created_at.isoformat(),
            }
            for m in messages
        ],
        "brand_memberships": [
            {"brand": m.brand.name, "role": m.role, "since": m.created_at.isoformat()}
            for m in memberships
        ],
        "brand_changes": list(
            BrandAuditEntry.objects.filter(actor=user)
            .order_by("id")
            .values("brand_id", "action", "target", "created_at")
        ),
    }


@transaction.atomic(savepoint=False)  # inside accounts' account_erase
def erase(user) -> None:
    """Unfollow everything (counters and events as usual) and delete the user's customer-
    service threads. Replies they wrote as brand staff belong to the brand's conversation
    with someone else, so they stay, no longer attributed; audit entries keep the (anonymised)
    user as actor, as an audit trail must."""
    for account_id in Follow.objects.filter(user=user).values_list("account_id", flat=True):
        services.account_unfollow_nested(user=user, account_id=account_id)
    services.service_conversations_erase(user=user)
