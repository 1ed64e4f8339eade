"""Members: joining a program (with a referral), and the member row lock."""

import secrets

from django.db import IntegrityError, transaction

from loyalty import errors, selectors
from loyalty.models import (
    Member,
    Program,
    Tier,
)
from loyalty.services.clients import _client_touch
from superapp.core import sql
from superapp.core.errors import InvalidInput

# --- Members ----------------------------------------------------------------------------------


def _member_create(
    *, program: Program, user_id: int, referred_by: Member | None = None
) -> tuple[Member, bool]:
    """A new member on the base tier with a random card number (retried on a number
    collision), or the member a concurrent request created first."""
    base_tier = program.tiers.order_by("min_spend").first()
    for _ in range(5):
        try:
            with transaction.atomic():
                member = Member.objects.create(
                    program=program,
                    user_id=user_id,
                    member_number=f"{secrets.randbelow(10**12):012d}",
                    card_token=secrets.token_hex(16),
                    tier=base_tier,
                    referred_by=referred_by,
                )
                return member, True
        except IntegrityError:
            existing = Member.objects.filter(program=program, user_id=user_id).first()
            if existing is not None:
                return existing, False
    raise RuntimeError("could not allocate a member number")


MEMBER_COLUMNS = sql.field_names(Member)
TIER_COLUMNS = sql.field_names(Tier)
MEMBER_AND_REFERRER = (  # the member, and the referrer its first purchase will reward
    f"SELECT {', '.join(['m.' + c for c in MEMBER_COLUMNS] + ['t.' + c for c in TIER_COLUMNS])}"
    " FROM loyalty_member m JOIN loyalty_tier t ON t.id = m.tier_id"
    " WHERE m.id IN (SELECT id FROM loyalty_member WHERE program_id = %s AND user_id = %s"
    " UNION ALL SELECT referred_by_id FROM loyalty_member"
    " WHERE program_id = %s AND user_id = %s AND first_purchase_at IS NULL)"
    " ORDER BY m.id"
)


def _member_locked(*, program: Program, user_id: int) -> Member:
    """The member row locked for update (with its tier), enrolling the user if needed.

    A member whose first purchase will pay a referral reward needs the referrer's row too:
    one statement locks both in id order (the referrer joined earlier, so it comes first)."""
    rows = sql.fetch_all(
        MEMBER_AND_REFERRER + sql.row_lock("m"), [program.pk, user_id, program.pk, user_id]
    )
    row = next((row for row in rows if row[MEMBER_COLUMNS.index("user_id")] == user_id), None)
    if row is None:
        created, _ = _member_create(program=program, user_id=user_id)
        locked = Member.objects.select_for_update(of=("self",)).select_related("tier", "program")
        return locked.get(pk=created.pk)
    member = sql.instance(Member, MEMBER_COLUMNS, row[: len(MEMBER_COLUMNS)])
    member.tier = sql.instance(Tier, TIER_COLUMNS, row[len(MEMBER_COLUMNS) :])
    member.program = program
    return member


@transaction.atomic
def membership_join(*, actor, brand_id: int, referral_code: str = "") -> Member:
    """Join a brand's program, optionally with a friend's member number as referral code."""
    program = selectors.program_for_brand(brand_id=brand_id)
    if Member.objects.filter(program=program, user=actor).exists():
        raise errors.AlreadyMember()
    referrer = None
    if referral_code:
        referrer = Member.objects.filter(program=program, member_number=referral_code).first()
        if referrer is None:
            raise InvalidInput(fields={"referral_code": ["Unknown referral code."]})
    member, created = _member_create(program=program, user_id=actor.pk, referred_by=referrer)
    if not created:
        raise errors.AlreadyMember()
    _client_touch(brand_id=brand_id, user_id=actor.pk, opted_in=True, member=member)
    return member
