"""Every searchable table, for the tests that check their index structures exist."""

from miniprograms.live.models import SHOW_SEARCH
from miniprograms.models import MINIPROGRAM_SEARCH
from miniprograms.shop.models import PRODUCT_SEARCH
from superapp.accounts.models import USER_SEARCH
from superapp.messaging.models import CONVERSATION_SEARCH, MESSAGE_SEARCH
from superapp.official.models import ACCOUNT_SEARCH, ARTICLE_SEARCH

DOCUMENTS = [
    USER_SEARCH,
    MESSAGE_SEARCH,
    CONVERSATION_SEARCH,
    ACCOUNT_SEARCH,
    ARTICLE_SEARCH,
    MINIPROGRAM_SEARCH,
    PRODUCT_SEARCH,
    SHOW_SEARCH,
]
