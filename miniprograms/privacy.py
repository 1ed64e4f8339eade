"""Data rights hooks for the mini-program platform (collected by the export/erasure service).

Export: the user's identities (openid/unionid per app and organisation), consent history,
subscriptions and messages received, openings, phone and addresses. Erase: everything personal
goes — identities (apps can no longer resolve the openid), pending login codes and the
tokens apps got through the code flow, grants, subscriptions, messages,
contact data; entry visits stay as anonymous counts."""

from django.db import transaction
from oauth2_provider.models import AccessToken, Grant, IDToken, RefreshToken

from miniprograms.models import (
    AppIdentity,
    ConsentGrant,
    ConsumerContact,
    EntryVisit,
    MiniProgramTester,
    ShippingAddress,
    SubscribeAcceptance,
    SubscribeMessage,
    UnionIdentity,
)


def _iso(value):
    return value.isoformat() if value else None


def export(user) -> dict:
    contact = ConsumerContact.objects.filter(user=user).first()
    return {
        "app_identities": [
            {"app_id": i.miniprogram.app_id, "app_name": i.miniprogram.name, "openid": i.openid}
            for i in AppIdentity.objects.filter(user=user).select_related("miniprogram")
        ],
        "union_identities": [
            {"organisation": u.organisation.name, "unionid": u.unionid}
            for u in UnionIdentity.objects.filter(user=user).select_related("organisation")
        ],
        "consents": [
            {
                "app_id": g.miniprogram.app_id,
                "scope": g.scope,
                "granted_at": _iso(g.granted_at),
                "revoked_at": _iso(g.revoked_at),
            }
            for g in ConsentGrant.objects.filter(user=user).select_related("miniprogram")
        ],
        "subscriptions": [
            {
                "app_id": a.miniprogram.app_id,
                "template": a.template,
                "mode": a.mode,
                "accepted_at": _iso(a.accepted_at),
                "used_at": _iso(a.used_at),
                "revoked_at": _iso(a.revoked_at),
            }
            for a in SubscribeAcceptance.objects.filter(user=user).select_related("miniprogram")
        ],
        "subscribe_messages": [
            {
                "app_id": m.miniprogram.app_id,
                "template": m.template,
                "data": m.data,
                "sent_at": _iso(m.sent_at),
            }
            for m in SubscribeMessage.objects.filter(user=user).select_related("miniprogram")
        ],
        "openings": [
            {"app_id": app_id, "source": source, "at": _iso(at)}
            for app_id, source, at in EntryVisit.objects.filter(user=user).values_list(
                "miniprogram__app_id", "source", "created_at"
            )
        ],
        "phone": contact.phone if contact else None,
        "addresses": list(
            ShippingAddress.objects.filter(user=user).values(
                "recipient", "phone", "line1", "line2", "city", "postal_code", "country"
            )
        ),
    }


@transaction.atomic(savepoint=False)  # inside accounts' account_erase
def erase(user) -> None:
    for model in (RefreshToken, AccessToken, IDToken, Grant):  # codes and code-flow tokens
        model.objects.filter(user=user, application__miniprogram__isnull=False).delete()
    SubscribeMessage.objects.filter(user=user).delete()
    SubscribeAcceptance.objects.filter(user=user).delete()
    ConsentGrant.objects.filter(user=user).delete()
    AppIdentity.objects.filter(user=user).delete()
    UnionIdentity.objects.filter(user=user).delete()
    MiniProgramTester.objects.filter(user=user).delete()
    ConsumerContact.objects.filter(user=user).delete()
    ShippingAddress.objects.filter(user=user).delete()
    EntryVisit.objects.filter(user=user).update(user=None, scene="")
