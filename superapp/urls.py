import functools

from django.contrib import admin
from django.urls import URLResolver, include, path
from django.urls.resolvers import RoutePattern
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from superapp.core.health import healthz, metrics

# Django tries these in order, each app's patterns in turn: the busiest endpoints (sending
# messages, sync, paying) come first, so resolving them skips the fewest patterns.
api_v1 = [
    path("", include("superapp.messaging.api.urls")),
    path("", include("superapp.realtime.api.urls")),
    path("", include("payments.api.urls")),
    path("", include("redpackets.api.urls")),
    path("", include("superapp.accounts.api.urls")),
    path("", include("superapp.official.api.urls")),
    path("", include("miniprograms.api.urls")),
    path("", include("superapp.social.api.urls")),
    path("", include("superapp.media.api.urls")),
    path("", include("loyalty.api.urls")),
    path("", include("miniprograms.shop.api.urls")),
    path("", include("miniprograms.live.api.urls")),
    path("", include("superapp.search.api.urls")),
    path("", include("superapp.teams.api.urls")),
]


class MemoizedResolver(URLResolver):
    """The API's resolver, remembering where a path led: Django tries every pattern in order
    (about 190 for a shop route, a third of a refused checkout's CPU in the flash-sale profile),
    and a hot path (a flash sale's one checkout URL, a busy chat's send) resolves the same way
    each time. Misses (404) are not remembered; the per-match ``tried`` list, only read by
    debug 404 pages, is dropped so an entry stays small."""

    def __init__(self, route: str, patterns: list):
        super().__init__(RoutePattern(route, is_endpoint=False), patterns)
        self._resolve_once = functools.lru_cache(maxsize=4096)(self._resolve_slim)

    def _resolve_slim(self, path: str):
        match = super().resolve(path)
        match.tried = None
        return match

    def resolve(self, path):
        return self._resolve_once(str(path))


urlpatterns = [
    MemoizedResolver("api/v1/", api_v1),
    path("api/schema", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    # The authorization endpoint is the app's consent page (web/app AuthorizeScreen; the app
    # signs the person in first); it decides through /api/v1/oauth/authorize.
    path(
        "o/authorize/",
        RedirectView.as_view(url="/authorize", query_string=True),
        name="oauth-authorize-in-app",
    ),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("accounts/", include("superapp.accounts.web")),
    path("mp/", include("miniprograms.urls")),
    path("admin/", admin.site.urls),
    path(
        "brand-admin/", include("miniprograms.shop.brand_admin_urls", namespace="brand_shop_admin")
    ),
    path("healthz", healthz, name="healthz"),
    path("media/", include("superapp.media.urls")),
    path("metrics", metrics, name="prometheus-django-metrics"),
    # Last: the app's shell for / and its client routes (history fallback).
    path("", include("superapp.webapp.urls")),
]

handler400 = "superapp.core.errors.json_bad_request"
handler403 = "superapp.core.errors.json_forbidden"
handler404 = "superapp.core.errors.json_not_found"
handler500 = "superapp.core.errors.json_server_error"
