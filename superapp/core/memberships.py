"""One write shared by the apps whose teams have members with roles (brands, developer
organisations): each calls it from its own service with its own model."""

from django.db import models, transaction

from superapp.core import sql
from superapp.core.errors import ALREADY_MEMBER, Conflict
from superapp.core.locks import lock_objects


@transaction.atomic(savepoint=False)  # called inside the team service's transaction
def membership_set(
    model: type[models.Model], *, scope: dict, user_id: int, role: str | None, conflict: str
) -> None:
    """Make ``user_id`` a member of the team ``scope`` names (e.g. ``{"brand_id": 3}``) with
    ``role``, change their role, or end their membership (``role=None``). Making someone
    ``owner`` hands the team over: the current owner becomes an ``admin`` (one owner per team).
    The team's member rows are locked first, in primary-key order, so concurrent changes of one
    team queue. A concurrent insert of the same member raises ``Conflict`` ``already_member``
    with the ``conflict`` message."""
    members = model.objects.filter(**scope)
    list(lock_objects(members).values_list("pk", flat=True))
    if role is None:
        members.filter(user_id=user_id).delete()
        return
    if role == "owner":
        members.filter(role="owner").exclude(user_id=user_id).update(role="admin")
    if members.filter(user_id=user_id).update(role=role):
        return
    row = sql.all_values(model(**scope, user_id=user_id, role=role))
    if sql.insert_unless_conflicting(model, row) is None:  # no savepoint to roll back to
        raise Conflict(conflict, code=ALREADY_MEMBER)
