from miniprograms.models import AppIdentity, MiniProgram
from superapp.core.errors import NotFound


def miniprogram_for_token(access_token) -> MiniProgram:
    """The app whose client-credentials token this is."""
    return MiniProgram.objects.select_related("organisation").get(
        oauth_application_id=access_token.application_id
    )


def user_for_openid(*, miniprogram: MiniProgram, openid: str):
    """The user behind an openid of *this* app; another app's openid is simply not found."""
    identity = (
        AppIdentity.objects.select_related("user")
        .filter(miniprogram=miniprogram, openid=openid, user__is_active=True)
        .first()
    )
    if identity is None:
        raise NotFound("No user with this openid for this app.", code="openid_not_found")
    return identity.user


def miniprogram_by_app_id(app_id: str) -> MiniProgram:
    miniprogram = MiniProgram.objects.filter(app_id=app_id).first()
    if miniprogram is None:
        raise NotFound("No such mini-program.", code="miniprogram_not_found")
    return miniprogram
