"""Data rights for contacts and Moments."""

from django.db import transaction
from django.db.models import Q

from superapp.social.models import (
    Block,
    Contact,
    ContactRequest,
    Moment,
    MomentComment,
    MomentLike,
)


def export(user) -> dict:
    return {
        "contacts": list(
            Contact.objects.filter(owner=user)
            .order_by("id")
            .values_list("contact__username", flat=True)
        ),
        "blocked": list(
            Block.objects.filter(blocker=user)
            .order_by("id")
            .values_list("blocked__username", flat=True)
        ),
        "contact_requests": [
            {
                "from": r.from_user.username,
                "to": r.to_user.username,
                "message": r.message,
                "status": r.status,
                "created_at": r.created_at.isoformat(),
            }
            for r in ContactRequest.objects.filter(Q(from_user=user) | Q(to_user=user))
            .select_related("from_user", "to_user")
            .order_by("id")
        ],
        "moments": [
            {
                "id": m.pk,
                "text": m.text,
                "images": m.images,
                "product": m.product,
                "visibility": m.visibility,
                "created_at": m.created_at.isoformat(),
            }
            for m in Moment.objects.filter(author=user).order_by("id")
        ],
        "moment_likes": list(
            MomentLike.objects.filter(user=user).order_by("id").values_list("moment_id", flat=True)
        ),
        "moment_comments": [
            {"moment_id": c.moment_id, "text": c.text, "created_at": c.created_at.isoformat()}
            for c in MomentComment.objects.filter(user=user).order_by("id")
        ],
    }


@transaction.atomic(savepoint=False)  # inside accounts' account_erase
def erase(user) -> None:
    """Everything here is personal content; none of it is a ledger, so it all goes."""
    Moment.objects.filter(author=user).delete()
    MomentLike.objects.filter(user=user).delete()
    MomentComment.objects.filter(user=user).delete()
    ContactRequest.objects.filter(Q(from_user=user) | Q(to_user=user)).delete()
    Contact.objects.filter(Q(owner=user) | Q(contact=user)).delete()
    Block.objects.filter(Q(blocker=user) | Q(blocked=user)).delete()
