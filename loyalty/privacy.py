"""Data rights, loyalty's part: memberships and the points ledger, purchases, redemptions,
consents, and what the client books hold about the user (notes, tags, hand-overs, chats)."""

from loyalty import services
from loyalty.models import (
    AssociateHandover,
    Client,
    ClientNote,
    Commission,
    Consent,
    Member,
    PointEntry,
    Purchase,
    Redemption,
    ServiceChat,
    Tag,
)


def _iso(moment):
    return moment.isoformat() if moment else None


def export(user) -> dict:
    members = Member.objects.filter(user=user).select_related("program", "tier")
    clients = Client.objects.filter(user=user).select_related("brand", "associate")
    return {
        "memberships": [
            {
                "brand_id": m.program.brand_id,
                "program": m.program.name,
                "member_number": m.member_number,
                "tier": m.tier.name,
                "points": m.points,
                "debt": m.debt,
                "rolling_spend": m.rolling_spend,
                "joined_at": _iso(m.joined_at),
            }
            for m in members
        ],
        "points_entries": [
            {
                "brand_id": e.member.program.brand_id,
                "kind": e.kind,
                "reason": e.reason,
                "points": e.points,
                "debt_change": e.debt_change,
                "created_at": _iso(e.created_at),
            }
            for e in PointEntry.objects.filter(member__user=user)
            .select_related("member__program")
            .order_by("pk")
        ],
        "purchases": [
            {
                "brand_id": p.brand_id,
                "source": p.source,
                "order_id": p.order_id,
                "amount": p.amount,
                "currency": p.currency,
                "refunded_amount": p.refunded_amount,
                "paid_at": _iso(p.paid_at),
                "live_show_id": p.live_show_id,
            }
            for p in Purchase.objects.filter(user=user).order_by("pk")
        ],
        "redemptions": [
            {"id": r.pk, "kind": r.kind, "points": r.points, "coupon": r.coupon}
            for r in Redemption.objects.filter(member__user=user).order_by("pk")
        ],
        "consents": [
            {
                "purpose": c.purpose,
                "brand_id": c.brand_id,
                "app_id": c.miniprogram.app_id if c.miniprogram else None,
                "granted_at": _iso(c.granted_at),
                "withdrawn_at": _iso(c.withdrawn_at),
            }
            for c in Consent.objects.filter(user=user).select_related("miniprogram").order_by("pk")
        ],
        "client_records": [_client_record(client) for client in clients],
        "commissions_earned": [
            {
                "brand_id": c.brand_id,
                "purchase_id": c.purchase_id,
                "amount": c.amount,
                "currency": c.currency,
                "created_at": _iso(c.created_at),
            }
            for c in Commission.objects.filter(associate=user).order_by("pk")
        ],
    }


def _client_record(client: Client) -> dict:
    """Everything a brand's client book says about the user, personal tags included."""
    return {
        "brand_id": client.brand_id,
        "brand": client.brand.name,
        "associate": client.associate.username if client.associate else None,
        "followed_at": _iso(client.followed_at),
        "opted_in_at": _iso(client.opted_in_at),
        "tags": sorted(
            Tag.objects.filter(client_tags__client=client).values_list("name", flat=True)
        ),
        "notes": [
            {"body": n.body, "created_at": _iso(n.created_at)}
            for n in ClientNote.objects.filter(client=client).order_by("pk")
        ],
        "follow_ups": [
            {"title": t.title, "due_at": _iso(t.due_at), "done_at": _iso(t.done_at)}
            for t in client.tasks.order_by("pk")
        ],
        "handovers": [
            {"reason": h.reason, "created_at": _iso(h.created_at)}
            for h in AssociateHandover.objects.filter(client=client).order_by("pk")
        ],
        "service_chats": [
            {"message_id": c.message_id, "received_at": _iso(c.received_at)}
            for c in ServiceChat.objects.filter(client=client).order_by("pk")
        ],
    }


def erase(user) -> None:
    services.member_data_erase(user=user)
