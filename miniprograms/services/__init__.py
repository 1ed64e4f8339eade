"""Every write of the mini-program platform: organisations, apps, versions and review, login
codes and sessions, consent, subscribe messages, sharing, the consumer's contact data.

Split by feature; this package root re-exports what other apps, the platform's api/, settings and
tests call (everything else is private to the package): ``organisations``, ``apps``,
``versions``, ``login`` (codes, sessions, consent), ``identities``, ``subscriptions``,
``sharing``, ``devtools`` and ``contacts``.
"""

from miniprograms.services.apps import (
    miniprogram_create,
    miniprogram_register,
    miniprogram_secret_rotate,
    miniprogram_update,
    public_client_set,
    tester_add,
    tester_remove,
)
from miniprograms.services.authorize import authorization_decide, authorization_request_check
from miniprograms.services.contacts import address_add, address_delete, contact_set
from miniprograms.services.devtools import webhook_replay
from miniprograms.services.identities import identity_for, unionid_for
from miniprograms.services.login import (
    code2session,
    consent_grant,
    consent_revoke,
    login_code_issue,
)
from miniprograms.services.organisations import (
    organisation_create,
    organisation_create_nested,
    organisation_member_remove,
    organisation_membership_set,
)
from miniprograms.services.sharing import (
    card_payload_validate,
    chat_card_check,
    entry_record,
    share_link_create,
)
from miniprograms.services.subscriptions import (
    subscribe_message_send,
    subscription_accept,
    subscription_turn_off,
)
from miniprograms.services.versions import (
    first_party_release,
    miniprogram_rollback,
    version_approve,
    version_delete,
    version_reject,
    version_release,
    version_submit,
    version_trial,
    version_upload,
)

__all__ = [
    "address_add",
    "address_delete",
    "authorization_decide",
    "authorization_request_check",
    "card_payload_validate",
    "chat_card_check",
    "code2session",
    "consent_grant",
    "consent_revoke",
    "contact_set",
    "entry_record",
    "first_party_release",
    "identity_for",
    "login_code_issue",
    "miniprogram_create",
    "miniprogram_register",
    "miniprogram_rollback",
    "miniprogram_secret_rotate",
    "miniprogram_update",
    "organisation_create",
    "organisation_create_nested",
    "organisation_member_remove",
    "organisation_membership_set",
    "public_client_set",
    "share_link_create",
    "subscribe_message_send",
    "subscription_accept",
    "subscription_turn_off",
    "tester_add",
    "tester_remove",
    "unionid_for",
    "version_approve",
    "version_delete",
    "version_reject",
    "version_release",
    "version_submit",
    "version_trial",
    "version_upload",
    "webhook_replay",
]
