import functools
import hashlib

from django.conf import settings
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from oauth2_provider.models import AccessToken, get_application_model

from superapp.accounts.models import USER_SEARCH, User
from superapp.core import sql
from superapp.core.errors import USER_NOT_FOUND, NotFound
from superapp.core.fulltext import Search


def first_party_application():
    """The OAuth2 application that the Plaza consumer app's tokens belong to (created once)."""
    application_model = get_application_model()
    application, _ = application_model.objects.get_or_create(
        client_id=settings.FIRST_PARTY_CLIENT_ID,
        defaults={
            "name": "Plaza app",
            "client_type": application_model.CLIENT_PUBLIC,
            "authorization_grant_type": application_model.GRANT_PASSWORD,
            "skip_authorization": True,
        },
    )
    return application


def user_by_username(username: str) -> User:
    """An active user by username, case-insensitively; 404 ``user_not_found`` otherwise."""
    user = (
        User.objects.annotate(username_lower=Lower("username"))
        .filter(username_lower=username.lower(), is_active=True)
        .first()
    )
    if user is None:
        raise NotFound("No such user.", code=USER_NOT_FOUND)
    return user


def access_token_by_id(token_id: int) -> AccessToken | None:
    """The access token with its application and user (a socket ticket names its token)."""
    return AccessToken.objects.select_related("application", "user").filter(pk=token_id).first()


def _columns(model, alias: str) -> tuple[list[str], list[str]]:
    fields = model._meta.concrete_fields
    return [f.attname for f in fields], [f'{alias}."{f.column}"' for f in fields]


@functools.cache
def _access_token_query() -> tuple[str, list[str], list[str], list[str]]:
    application_model = get_application_model()
    token_names, token_cols = _columns(AccessToken, "t")
    app_names, app_cols = _columns(application_model, "a")
    user_names, user_cols = _columns(User, "u")
    statement = (
        f"SELECT {', '.join(token_cols + app_cols + user_cols)}"
        f" FROM {AccessToken._meta.db_table} t"
        f" LEFT JOIN {application_model._meta.db_table} a ON a.id = t.application_id"
        f" LEFT JOIN {User._meta.db_table} u ON u.id = t.user_id"
        " WHERE t.token_checksum = %s"
    )
    return statement, token_names, app_names, user_names


def access_token_by_value(token: str) -> AccessToken | None:
    """The access token with its application and user, looked up by checksum as
    django-oauth-toolkit does, in one hand-written statement: every authenticated request
    makes it, and the ORM spent ~1 ms of CPU compiling the equivalent ``select_related``
    query against ~0.1 ms for this one (measured; docs/scaling.md)."""
    statement, token_names, app_names, user_names = _access_token_query()
    row = sql.fetch_one(statement, [hashlib.sha256(token.encode("utf-8")).hexdigest()])
    if row is None:
        return None
    split_app, split_user = len(token_names), len(token_names) + len(app_names)
    app_row, user_row = row[split_app:split_user], row[split_user:]
    access = sql.instance(AccessToken, token_names, row[:split_app])
    application_model = get_application_model()
    access.application = sql.instance(application_model, app_names, app_row) if app_row[0] else None
    access.user = sql.instance(User, user_names, user_row) if user_row[0] else None
    return access


def users_search(*, search: Search, findable_only: bool = True) -> QuerySet[User]:
    """Active users matching ``search`` by username or display name, best first (an exact
    name, then a name starting with the query); only those who let themselves be found by
    username unless ``findable_only`` is off (a caller searching its own contacts)."""
    users = User.objects.filter(search.condition(USER_SEARCH), is_active=True)
    if findable_only:
        users = users.filter(findable_by_username=True)
    return users.alias(rank=search.rank(USER_SEARCH)).order_by("-rank", "username")


def access_token_is_live(*, token_id: int) -> bool:
    """Whether this access token still authenticates: not revoked (deleted), not expired, and
    its user still active."""
    return AccessToken.objects.filter(
        pk=token_id, expires__gt=timezone.now(), user__is_active=True
    ).exists()
