"""Product reviews: written by buyers of a delivered line, replied to by staff, reported and
moderated."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from miniprograms.shop import locks, selectors
from miniprograms.shop.errors import (
    ALREADY_REPLIED,
    ALREADY_REPORTED,
    ALREADY_REVIEWED,
    NOT_DELIVERED,
    ORDER_LINE_NOT_FOUND,
    REVIEW_NOT_FOUND,
    TOO_MANY_PHOTOS,
)
from miniprograms.shop.models import (
    OrderLine,
    Review,
    ReviewReport,
)
from miniprograms.shop.services.catalogue import _image_urls
from miniprograms.shop.services.status import Status
from superapp.core.errors import Conflict, DomainError, InvalidInput, NotFound

# --- Reviews -------------------------------------------------------------------------------------


@transaction.atomic
def review_create(*, actor, line_id: int, rating: int, text: str = "", photos=None) -> Review:
    """Only the buyer of a delivered (or completed) line reviews it, once."""
    line = OrderLine.objects.select_related("order").filter(pk=line_id, order__buyer=actor).first()
    if line is None:
        raise NotFound("No such purchase.", code=ORDER_LINE_NOT_FOUND)
    if line.order.status not in (Status.DELIVERED, Status.COMPLETED):
        raise DomainError("Review an item once it is delivered.", code=NOT_DELIVERED)
    photos = photos or []
    if len(photos) > settings.SHOP_MAX_REVIEW_PHOTOS:
        raise InvalidInput(
            fields={"photos": [f"At most {settings.SHOP_MAX_REVIEW_PHOTOS} photos."]},
            code=TOO_MANY_PHOTOS,
        )
    photos = _image_urls(actor, photos, "review")
    try:
        with transaction.atomic():
            return Review.objects.create(
                line=line,
                product_id=line.product_id,
                author=actor,
                rating=rating,
                text=text,
                photos=photos,
            )
    except IntegrityError as exc:
        raise Conflict("You reviewed this item already.", code=ALREADY_REVIEWED) from exc


@transaction.atomic
def review_reply(*, actor, shop_id: int, review_id: int, text: str) -> Review:
    """The brand answers once; it can neither edit nor delete the buyer's review."""
    shop = selectors.shop_for_staff(shop_id=shop_id, user=actor)
    review = locks.reviews().filter(pk=review_id, product__shop=shop).first()
    if review is None:
        raise NotFound("No such review.", code=REVIEW_NOT_FOUND)
    if review.replied_at is not None:
        raise Conflict("The brand has replied already.", code=ALREADY_REPLIED)
    review.brand_reply, review.replied_at = text, timezone.now()
    review.save(update_fields=["brand_reply", "replied_at"])
    return review


@transaction.atomic
def review_report(*, actor, review_id: int, reason: str) -> ReviewReport:
    review = Review.objects.filter(pk=review_id, status=Review.Status.VISIBLE).first()
    if review is None:
        raise NotFound("No such review.", code=REVIEW_NOT_FOUND)
    try:
        with transaction.atomic():
            return ReviewReport.objects.create(review=review, reporter=actor, reason=reason)
    except IntegrityError as exc:
        raise Conflict("You reported this review already.", code=ALREADY_REPORTED) from exc


@transaction.atomic
def review_moderate(*, actor, review_id: int, visible: bool) -> Review:
    """Platform staff hide or restore a review; its open reports are resolved."""
    review = locks.reviews().filter(pk=review_id).first()
    if review is None:
        raise NotFound("No such review.", code=REVIEW_NOT_FOUND)
    review.status = Review.Status.VISIBLE if visible else Review.Status.HIDDEN
    review.save(update_fields=["status"])
    review.reports.filter(status=ReviewReport.Status.OPEN).update(
        status=ReviewReport.Status.RESOLVED
    )
    return review
