"""Every write of the official app: brands, accounts, broadcasts, customer service, callbacks.

Each change a brand makes is recorded in its audit log (``_audit``) inside the same transaction.

Split by feature; this package root re-exports what other apps, official's api/ and other
modules, and tests call (everything else is private to the package): ``brands`` (the audit
log, brands, membership, verification, the callback and the push to the brand's server),
``accounts`` (official accounts, menu, follow/unfollow, the follower count and its daily
snapshot), ``broadcasts`` (articles, broadcasts, keyword replies) and ``customer_service``
(canned replies, service messages, the inbox's conversations, campaign delivery, erasure).
"""

from superapp.official.services.accounts import (
    account_create,
    account_delete,
    account_follow,
    account_menu_set,
    account_unfollow,
    account_unfollow_nested,
    account_update,
    follower_days_snapshot,
)
from superapp.official.services.brands import (
    brand_callback_remove,
    brand_callback_set,
    brand_create,
    brand_delivery_resend,
    brand_member_add,
    brand_membership_set,
    brand_verification_request,
    brand_verification_revoke,
    brand_verify,
)
from superapp.official.services.broadcasts import (
    article_create,
    broadcast_publish,
    keyword_reply_create,
    keyword_reply_delete,
    keyword_reply_update,
)
from superapp.official.services.customer_service import (
    campaign_deliver,
    canned_reply_create,
    canned_reply_delete,
    canned_reply_update,
    conversation_claim,
    conversation_handover,
    service_conversations_erase,
    service_message_send,
    service_reply_send,
)

__all__ = [
    "account_create",
    "account_delete",
    "account_follow",
    "account_menu_set",
    "account_unfollow",
    "account_unfollow_nested",
    "account_update",
    "article_create",
    "brand_callback_remove",
    "brand_callback_set",
    "brand_create",
    "brand_delivery_resend",
    "brand_member_add",
    "brand_membership_set",
    "brand_verification_request",
    "brand_verification_revoke",
    "brand_verify",
    "broadcast_publish",
    "campaign_deliver",
    "canned_reply_create",
    "canned_reply_delete",
    "canned_reply_update",
    "conversation_claim",
    "conversation_handover",
    "follower_days_snapshot",
    "keyword_reply_create",
    "keyword_reply_delete",
    "keyword_reply_update",
    "service_conversations_erase",
    "service_message_send",
    "service_reply_send",
]
