"""The double-entry engine: the only code that changes account balances.

Services (payments/services.py) decide *what* moves; this module makes the movement safe, in a
fixed number of statements whatever the legs (a flash sale's payments all come through here,
so the statements are written by hand: the ORM would spend more CPU compiling them than the
database spends running them; docs/payments.md, "Benchmark"):

* ``journal_post`` writes the journal transaction and its postings, then applies every leg to
  the cached balances in **one UPDATE** that first locks the rows in a fixed order: user
  wallets, then the hot (sharded merchant and platform) accounts, each in primary-key order.
  Nobody waits for a wallet while holding a hot account, so no cycle — no deadlock — can form;
  and the hot rows are locked last, just before commit, so a flash sale holds them as briefly
  as possible;
* the same UPDATE enforces the spending rules on the freshest row under its lock: accounts that
  may not go negative (wallets, merchants, escrow) are refused with ``insufficient_funds``, and
  a real wallet's spending of the day (``Account.outgoing_total``) is counted up and refused
  past ``PAYMENTS_DAILY_OUTGOING_LIMIT`` (``daily_limit_exceeded``). A refused leg leaves the
  whole change to roll back with the caller's transaction; the database CHECK constraints are
  the last line behind it;
* every transaction has at least two postings, summing to zero per currency, all in one world:
  real money or the sandbox's test money (``Account.sandbox``), never both;
* callers resolve every account (``accounts_resolve``, ``wallet_account``…, which may insert a
  new shard) *before* anything is locked: an uncommitted insert is a lock too, and taking it
  while holding a wallet could close a cycle.

The statements are plain SQL that PostgreSQL and SQLite (the embedded default) both run; only
the row locks are PostgreSQL's (SQLite serialises writers anyway).
"""

import functools
import random
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import connection
from django.utils import timezone

from payments import locks
from payments.errors import DAILY_LIMIT_EXCEEDED, INSUFFICIENT_FUNDS, MERCHANT_INSUFFICIENT_FUNDS
from payments.models import Account, JournalTransaction, Posting
from superapp.core import sql
from superapp.core.errors import DomainError

Kind = Account.Kind
ACCOUNT_TABLE = Account._meta.db_table
ACCOUNT_FIELDS = [field.attname for field in Account._meta.concrete_fields]
# What ``journal_post`` reads of an account: a caller that reads accounts only to post to them
# reads these (a balance read before the posting's lock would be stale anyway).
LEG_FIELDS = ["id", "kind", "currency", "sandbox"]
_LOOKUP_COLUMNS = ("kind", "currency", "sandbox", "shard", "user_id", "organisation_id")


class InsufficientFunds(DomainError):
    code = INSUFFICIENT_FUNDS
    default_detail = "Not enough money in the account."


class DailyLimitExceeded(DomainError):
    code = DAILY_LIMIT_EXCEEDED
    default_detail = "This would exceed your daily outgoing limit."


# --- accounts ---------------------------------------------------------------------------------


def _create_account(**lookup) -> Account:
    """The new account, or the one a concurrent transaction created first."""
    account, _ = sql.insert_or_get(Account, lookup)
    return account


@functools.cache
def _resolve_statement(shapes: tuple) -> str:
    """The SELECT of accounts matching lookups of these ``shapes`` ((kind, which natural-key
    columns are NULL) each). Every lookup becomes a clause PostgreSQL matches to the partial
    unique index of its kind (the kind is a literal, so a prepared plan still uses it)."""
    clauses = []
    for kind, nulls in shapes:
        columns = [
            f"{column} IS NULL" if null else f"{column} = %s"
            for column, null in zip(_LOOKUP_COLUMNS[1:], nulls, strict=True)
        ]
        clauses.append("(" + " AND ".join([f"kind = '{Kind(kind).value}'", *columns]) + ")")
    return f"SELECT {', '.join(ACCOUNT_FIELDS)} FROM {ACCOUNT_TABLE} WHERE " + " OR ".join(clauses)


def accounts_resolve(*lookups: dict) -> list[Account]:
    """The account of each lookup (from ``wallet_lookup``, ``merchant_lookup``,
    ``platform_lookup``), read in one statement, the missing ones created."""
    keys = [_natural_key(lookup) for lookup in lookups]
    shapes = tuple((key[0], tuple(value is None for value in key[1:])) for key in keys)
    params = [value for key in keys for value in key[1:] if value is not None]
    found = {
        _natural_key(account.__dict__): account
        for account in (
            sql.instance(Account, ACCOUNT_FIELDS, row)
            for row in sql.fetch_all(_resolve_statement(shapes), params)
        )
    }
    return [
        found.get(key) or _create_account(**lookup)
        for key, lookup in zip(keys, lookups, strict=True)
    ]


def _natural_key(lookup: dict) -> tuple:
    """(kind, currency, sandbox, shard, user_id, organisation_id) of a lookup or an account:
    absent owners are NULL, wallets are shard 0."""
    return (
        lookup["kind"],
        lookup["currency"],
        lookup.get("sandbox", False),
        lookup.get("shard", 0),
        lookup.get("user_id"),
        lookup.get("organisation_id"),
    )


def random_shard() -> int:
    return random.randrange(settings.PAYMENTS_HOT_ACCOUNT_SHARDS)


def wallet_lookup(*, user, currency: str, sandbox: bool = False) -> dict:
    return {"kind": Kind.USER_WALLET, "user_id": user.pk, "currency": currency, "sandbox": sandbox}


def merchant_lookup(
    *, organisation_id: int, currency: str, shard: int | None = None, sandbox: bool = False
) -> dict:
    """One shard of a merchant's account: a random one unless ``shard`` is given."""
    return {
        "kind": Kind.MERCHANT,
        "organisation_id": organisation_id,
        "currency": currency,
        "sandbox": sandbox,
        "shard": random_shard() if shard is None else shard,
    }


def platform_lookup(
    *, kind: str, currency: str, shard: int | None = None, sandbox: bool = False
) -> dict:
    """One shard of a platform account (gateway clearing, fees, escrow, refunds)."""
    if kind not in Account.PLATFORM_KINDS:
        raise ValueError(f"{kind} is not a platform account kind")
    return {
        "kind": kind,
        "currency": currency,
        "sandbox": sandbox,
        "shard": random_shard() if shard is None else shard,
    }


def wallet_account(*, user, currency: str, sandbox: bool = False) -> Account:
    return accounts_resolve(wallet_lookup(user=user, currency=currency, sandbox=sandbox))[0]


def merchant_account(
    *, organisation_id: int, currency: str, shard: int | None = None, sandbox: bool = False
) -> Account:
    return accounts_resolve(
        merchant_lookup(
            organisation_id=organisation_id, currency=currency, shard=shard, sandbox=sandbox
        )
    )[0]


def merchant_shards(*, organisation_id: int, currency: str, sandbox: bool = False) -> list[Account]:
    return list(
        Account.objects.filter(
            kind=Kind.MERCHANT, organisation_id=organisation_id, currency=currency, sandbox=sandbox
        ).order_by("pk")
    )


def platform_account(
    *, kind: str, currency: str, shard: int | None = None, sandbox: bool = False
) -> Account:
    return accounts_resolve(
        platform_lookup(kind=kind, currency=currency, shard=shard, sandbox=sandbox)
    )[0]


def is_hot(account: Account) -> bool:
    """Sharded accounts (merchants, platform) — everything but user wallets."""
    return account.kind != Kind.USER_WALLET


def _lock(ids) -> dict[int, Account]:
    if not ids:
        return {}
    rows = locks.accounts().filter(pk__in=sorted(ids)).order_by("pk")
    return {account.pk: account for account in rows}


def lock_accounts(accounts: Iterable[Account]) -> dict[int, Account]:
    """Lock wallets, then hot accounts, each in pk order; returns the fresh rows by pk. For a
    caller that must read balances before deciding the legs (``split_debit``)."""
    accounts = list(accounts)
    locked = _lock({a.pk for a in accounts if not is_hot(a)})
    locked.update(_lock({a.pk for a in accounts if is_hot(a)}))
    return locked


def split_debit(shards: list[Account], amount: int) -> list[tuple[Account, int]]:
    """Debit ``amount`` from a sharded account, richest (locked) shards first, none below 0."""
    if sum(shard.balance for shard in shards) < amount:
        raise InsufficientFunds(
            "The merchant's balance does not cover this.", code=MERCHANT_INSUFFICIENT_FUNDS
        )
    legs, remaining = [], amount
    for shard in sorted(shards, key=lambda s: (-s.balance, s.pk)):
        take = min(shard.balance, remaining)
        if take:
            legs.append((shard, -take))
            remaining -= take
        if not remaining:
            break
    return legs


# --- posting ----------------------------------------------------------------------------------


def _net_by_account(legs: Iterable[tuple[Account, int]]) -> dict[int, tuple[Account, int]]:
    net: dict[int, tuple[Account, int]] = {}
    for account, amount in legs:
        previous = net.get(account.pk, (account, 0))[1]
        net[account.pk] = (account, previous + amount)
    return {pk: leg for pk, leg in net.items() if leg[1] != 0}


def _check_balanced(legs: dict[int, tuple[Account, int]]) -> None:
    if len(legs) < 2:
        raise ValueError("a journal transaction needs at least two postings")
    if len({account.sandbox for account, _ in legs.values()}) > 1:
        raise ValueError("a journal transaction cannot mix sandbox and real accounts")
    totals: dict[str, int] = defaultdict(int)
    for account, amount in legs.values():
        totals[account.currency] += amount
    unbalanced = {currency: total for currency, total in totals.items() if total != 0}
    if unbalanced:
        raise ValueError(f"postings do not sum to zero: {unbalanced}")


def journal_post(
    *,
    type: str,
    reference: str,
    actor,
    legs: Iterable[tuple[Account, int]],
    writes: Iterable[sql.Write] = (),
) -> JournalTransaction:
    """Record one balanced transaction and apply it to the cached balances.

    ``legs`` are (account, signed amount) pairs; legs on the same account are netted. Must run
    inside the caller's database transaction (the one that also records why money moved), which
    a refused leg (:class:`InsufficientFunds`, :class:`DailyLimitExceeded`) rolls back.

    ``writes`` are that record's own writes (``sql.Write``: a payment's pay order marked paid,
    its domain event, its merchant's notification), sent with the posting — as clauses of the
    same statement on PostgreSQL, just before it on SQLite — so that the hottest write is one
    round trip. They must not read what the posting writes, nor lock anything: a row they
    update must be locked already (the posting takes the account locks in their fixed order
    and nothing else). A refused leg rolls them back with the rest.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("journal_post must run inside the transaction of its change")
    net = _net_by_account(legs)
    _check_balanced(net)
    journal = {
        "type": type,
        "reference": reference,
        "actor_id": actor.pk if actor else None,
        "created_at": timezone.now(),
    }
    postings = [
        {
            "account_id": pk,
            "amount": amount,
            "currency": account.currency,
            "created_at": journal["created_at"],
        }
        for pk, (account, amount) in net.items()
    ]
    outgoing = type in JournalTransaction.OUTGOING_TYPES
    legs = [
        (pk, amount, outgoing and _counts_as_spending(account, amount))
        for pk, (account, amount) in net.items()
    ]
    today = journal["created_at"].date()  # the day of the postings is the day counted
    journal_id, applied = _post(journal, postings, legs, today, writes)
    refused = [pk for pk in net if pk not in applied]
    if refused:
        _raise_refusal(net, refused[0], today=today)
    return sql.loaded(JournalTransaction, journal_id, journal)


def _post(
    journal: dict, postings: list[dict], legs: list, today, writes: Iterable[sql.Write]
) -> tuple[int | None, set[int]]:
    """Write the journal transaction and its postings, and apply the ``legs`` (account id,
    signed amount, counts as spending) to the balances, with the ``writes``: one statement on
    PostgreSQL, three and one per write on SQLite (no data-modifying WITH there). Returns the
    journal's id and the accounts updated (a leg the spending rules refused is missing)."""
    limit = settings.PAYMENTS_DAILY_OUTGOING_LIMIT
    lock = sql.row_lock(strength="NO KEY UPDATE")  # the lock an UPDATE takes anyway
    apply_params = [value for leg in legs for value in leg] + [today, limit]
    if not lock:
        sql.writes_run(writes)
        journal_id = sql.insert_with_children(
            JournalTransaction, journal, Posting, "transaction_id", postings
        )
        statement = "WITH " + _apply_statement(len(legs), lock)
        return journal_id, {pk for (pk,) in sql.fetch_all(statement, apply_params)}
    ctes, params = sql.family_ctes(JournalTransaction, journal, Posting, "transaction_id", postings)
    also, also_params = sql.writes_ctes(writes)
    if also:
        ctes, params = f"{ctes}, {also}", params + also_params
    statement = f"WITH {ctes}, {_apply_statement(len(legs), lock)}, (SELECT id FROM parent)"
    rows = sql.fetch_all(statement, params + apply_params)
    journal_id = rows[0][1] if rows else None  # no row: every leg refused, nothing to return
    return journal_id, {pk for pk, _ in rows}


@functools.cache
def _apply_statement(legs: int, lock: str) -> str:
    """The WITH clauses and the UPDATE that add ``legs`` (account, delta, counts) to their
    balances, under the spending rules; ``lock`` (empty on SQLite) first locks the rows in the
    fixed order, wallets before hot accounts. Parameters: the legs, then today, then the daily
    limit. Returns the updated ids. (The legs are a VALUES list, not arrays: the planner
    then knows how few rows it locks and reads them by primary key.)"""
    rows = ", ".join(["(%s, %s, %s)"] * legs)
    spent = "(CASE WHEN outgoing_day = day.today THEN outgoing_total ELSE 0 END - leg.delta)"
    non_negative = ", ".join(f"'{kind.value}'" for kind in Account.NON_NEGATIVE_KINDS)
    locked = (
        f", locked(locked_id) AS (SELECT id FROM {ACCOUNT_TABLE}"
        " WHERE id IN (SELECT account_id FROM leg)"
        f" ORDER BY kind <> '{Kind.USER_WALLET.value}', id{lock})"
    )
    return (
        f"leg(account_id, delta, counts) AS (VALUES {rows}),"
        f" day(today, day_limit) AS (VALUES (%s, %s)){locked if lock else ''}"
        f" UPDATE {ACCOUNT_TABLE} SET balance = balance + leg.delta,"
        f" outgoing_total = CASE WHEN leg.counts THEN {spent} ELSE outgoing_total END,"
        " outgoing_day = CASE WHEN leg.counts THEN day.today ELSE outgoing_day END"
        f" FROM leg, day{', locked' if lock else ''} WHERE id = leg.account_id"
        f"{' AND locked_id = id' if lock else ''}"
        f" AND (kind NOT IN ({non_negative}) OR balance + leg.delta >= 0)"
        f" AND (NOT leg.counts OR {spent} <= day.day_limit)"
        " RETURNING id"
    )


def _counts_as_spending(account: Account, amount: int) -> bool:
    """A debit of a real user wallet: what the daily outgoing limit counts (test money has no
    limit)."""
    return account.kind == Kind.USER_WALLET and amount < 0 and not account.sandbox


def _raise_refusal(net, pk: int, *, today) -> None:
    amount = net[pk][1]
    row = Account.objects.get(pk=pk)  # still locked: what the UPDATE saw
    if row.kind in Account.NON_NEGATIVE_KINDS and row.balance + amount < 0:
        raise InsufficientFunds()
    spent = row.outgoing_total if row.outgoing_day == today else 0
    raise DailyLimitExceeded(limit=settings.PAYMENTS_DAILY_OUTGOING_LIMIT, spent_today=spent)
