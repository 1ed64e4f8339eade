from django.conf import settings
from rest_framework import serializers

from superapp.search.selectors import KIND_NAMES


class SearchInput(serializers.Serializer):
    q = serializers.CharField(max_length=settings.SEARCH_QUERY_MAX_LENGTH)
    kind = serializers.ChoiceField(choices=KIND_NAMES, required=False)
    limit = serializers.IntegerField(
        min_value=1, max_value=settings.SEARCH_PAGE_SIZE_MAX, default=settings.SEARCH_PAGE_SIZE
    )
    offset = serializers.IntegerField(min_value=0, max_value=1000, default=0)


class HighlightedText(serializers.Serializer):
    text = serializers.CharField()
    highlights = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField(), min_length=2, max_length=2),
        help_text="[start, end) character offsets in text where the query matched.",
    )


class SearchResult(serializers.Serializer):
    kind = serializers.ChoiceField(choices=KIND_NAMES)
    id = serializers.IntegerField()
    title = HighlightedText()
    snippet = HighlightedText(allow_null=True)
    image_url = serializers.CharField(allow_null=True)
    open = serializers.DictField(
        help_text="What a client needs to open the result: user_id and username (people, "
        "contacts); conversation_id (conversations); conversation_id, seq and message_id "
        "(messages); account_id (official accounts); account_id and article_id (articles); "
        "app_id (mini-programs); shop_id, product_id, handle and the shop's app_id "
        "(products); show_id (live shows)."
    )


class SearchGroup(serializers.Serializer):
    kind = serializers.ChoiceField(choices=KIND_NAMES)
    results = SearchResult(many=True)
    more = serializers.BooleanField(help_text="More results of this kind: ask with kind=.")


class SearchOutput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=KIND_NAMES, allow_null=True)
    results = SearchResult(many=True, help_text="With kind=: one page of that kind.")
    next = serializers.URLField(allow_null=True)
    groups = SearchGroup(
        many=True, help_text="Without kind=: the best few of every kind that has any."
    )


class DiscoverOutput(serializers.Serializer):
    official_accounts = SearchResult(many=True)
    miniprograms = SearchResult(many=True)
    live_shows = SearchResult(many=True)
