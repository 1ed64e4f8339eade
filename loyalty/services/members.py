"""Members: joining a program (with a referral), and the member row lock."""

import secrets
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, connection, transaction

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
PROGRAM_COLUMNS = sql.field_names(Program)
USER_AT, TIER_AT = MEMBER_COLUMNS.index("user_id"), len(MEMBER_COLUMNS)
PROGRAM_AT = TIER_AT + len(TIER_COLUMNS)
NEXT_SPEND_AT = PROGRAM_AT + len(PROGRAM_COLUMNS)
EARNER = (  # the member with its tier and program, and the referrer its first purchase rewards
    "WITH me AS (SELECT m.id, m.referred_by_id, m.first_purchase_at FROM loyalty_member m"
    " JOIN loyalty_program p ON p.id = m.program_id"
    " WHERE p.brand_id = %s AND p.is_active AND m.user_id = %s)"
    f" SELECT {', '.join(['m.' + c for c in MEMBER_COLUMNS] + ['t.' + c for c in TIER_COLUMNS])},"
    f" {', '.join('p.' + c for c in PROGRAM_COLUMNS)},"
    " (SELECT MIN(n.min_spend) FROM loyalty_tier n"
    " WHERE n.program_id = p.id AND n.min_spend > t.min_spend),"
    " EXISTS (SELECT 1 FROM loyalty_bonuscampaign c"
    " WHERE c.program_id = p.id AND c.starts_at <= %s AND c.ends_at > %s)"
    " FROM loyalty_member m JOIN loyalty_tier t ON t.id = m.tier_id"
    " JOIN loyalty_program p ON p.id = m.program_id"
    " WHERE m.id IN (SELECT id FROM me"
    " UNION ALL SELECT referred_by_id FROM me WHERE first_purchase_at IS NULL)"
    " ORDER BY m.id"
)


@dataclass
class Earner:
    """What an earning needs to know, read in one statement (:func:`_earner_locked`)."""

    program: Program
    member: Member  # locked, with its tier and program
    referrer: Member | None  # locked too, when this member's first purchase rewards it
    next_tier_spend: int | None  # the next tier's threshold (None at the top tier)
    campaigns_running: bool  # a bonus campaign of the program runs at the purchase's time


def _earner_locked(*, brand_id: int, user_id: int, at: datetime) -> Earner | None:
    """The user's member row at the brand's active program, locked for update, enrolling the
    user if needed; None when the brand runs no active program. With it, in the same
    statement: its tier, the program, the next tier's threshold, whether a bonus campaign runs
    at ``at`` and, before a first purchase that pays a referral reward, the referrer's row,
    locked in id order with the member's (the referrer joined earlier, so it comes first)."""
    rows = _earner_rows(brand_id, user_id, at)
    if not rows:
        program = Program.objects.filter(brand_id=brand_id, is_active=True).first()
        if program is None:
            return None
        _member_create(program=program, user_id=user_id)
        rows = _earner_rows(brand_id, user_id, at)
    program = sql.instance(Program, PROGRAM_COLUMNS, rows[0][PROGRAM_AT:NEXT_SPEND_AT])
    locked = {}  # by user: the member, and the referrer if any (of the same program)
    for row in rows:
        member = locked[row[USER_AT]] = sql.instance(Member, MEMBER_COLUMNS, row[:TIER_AT])
        member.tier = sql.instance(Tier, TIER_COLUMNS, row[TIER_AT:PROGRAM_AT])
        member.program = program
    [next_spend, campaigns_running] = next(
        row[NEXT_SPEND_AT:] for row in rows if row[USER_AT] == user_id
    )
    member, referrer = locked.pop(user_id), next(iter(locked.values()), None)
    return Earner(program, member, referrer, next_spend, bool(campaigns_running))


def _earner_rows(brand_id: int, user_id: int, at: datetime) -> list[tuple]:
    at = connection.ops.adapt_datetimefield_value(at)
    return sql.fetch_all(EARNER + sql.row_lock("m"), [brand_id, user_id, at, at])


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
