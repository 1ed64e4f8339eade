"""Every write of loyalty: programs, the points ledger, purchases, redemptions, the client
book, segments and campaigns, consent.

Locking order (deadlock-free): a member row, then that member's lots in id order. Batches lock
members in primary-key order. Purchases are locked before their member.

Split by feature; this package root re-exports what other apps, loyalty's api/ and tests call
(everything else is private to the package): ``programs``, ``members``, ``ledger`` (points and
redemptions), ``purchases``, ``clients``, ``campaigns``, ``consent`` and ``data_rights``.
"""

from loyalty.services.campaigns import campaign_send, segment_create
from loyalty.services.clients import (
    client_follow,
    client_note_add,
    client_reassign,
    client_tag_add,
    client_tag_remove,
    follow_up_complete,
    follow_up_create,
    service_chat_record,
)
from loyalty.services.consent import consent_grant, consents_withdraw
from loyalty.services.data_rights import member_data_erase
from loyalty.services.ledger import points_expire, redemption_create
from loyalty.services.members import membership_join
from loyalty.services.programs import (
    bonus_campaign_create,
    program_create,
    program_update,
    reward_create,
    reward_retire,
    reward_update,
    tier_add,
)
from loyalty.services.purchases import (
    in_store_purchase_record,
    purchase_record,
    purchase_refund,
    tiers_reevaluate,
)

__all__ = [
    "bonus_campaign_create",
    "campaign_send",
    "client_follow",
    "client_note_add",
    "client_reassign",
    "client_tag_add",
    "client_tag_remove",
    "consent_grant",
    "consents_withdraw",
    "follow_up_complete",
    "follow_up_create",
    "in_store_purchase_record",
    "member_data_erase",
    "membership_join",
    "points_expire",
    "program_create",
    "program_update",
    "purchase_record",
    "purchase_refund",
    "redemption_create",
    "reward_create",
    "reward_retire",
    "reward_update",
    "segment_create",
    "service_chat_record",
    "tier_add",
    "tiers_reevaluate",
]
