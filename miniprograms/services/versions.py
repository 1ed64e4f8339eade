"""Versions and review: upload, trial, submit, approve or reject, release and roll back, each
move audited under the app's row lock."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from miniprograms import bundles, locks, selectors
from miniprograms.errors import (
    APP_STORAGE_EXCEEDED,
    INVALID_VERSION_STATE,
    NOT_A_REVIEWER,
    NOTHING_TO_ROLL_BACK,
    VERSION_EXISTS,
    VERSION_NOT_FOUND,
)
from miniprograms.models import (
    MiniProgram,
    MiniProgramVersion,
    VersionAuditEntry,
)
from superapp.core.errors import Conflict, Forbidden, InvalidInput, NotFound

Status = MiniProgramVersion.Status


# --- Versions and review -----------------------------------------------------------------------


def _audit(version, *, actor, action: str, from_status: str, reason: str = "") -> None:
    VersionAuditEntry.objects.create(
        version=version,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=version.status,
        reason=reason,
    )


def _lock_app(miniprogram: MiniProgram) -> None:
    """Serialise the steps that look at all of an app's versions (storage quota, the one trial,
    the one release) so concurrent requests cannot both pass the same check."""
    locks.mini_programs().filter(pk=miniprogram.pk).first()


def _locked_version(version_id: int, miniprogram_id: int) -> MiniProgramVersion:
    version = (
        locks.mini_program_versions()
        .defer("bundle")
        .filter(pk=version_id, miniprogram_id=miniprogram_id)
        .first()
    )
    if version is None:
        raise NotFound("No such version.", code=VERSION_NOT_FOUND)
    return version


def _transition(version, *, actor, action: str, allowed_from, to: str, reason: str = ""):
    if version.status not in allowed_from:
        raise Conflict(
            f"A {version.status} version cannot be {action}.",
            code=INVALID_VERSION_STATE,
            status=version.status,
        )
    from_status = version.status
    version.status = to
    version.review_reason = reason or version.review_reason
    version.save(update_fields=["status", "review_reason"])
    _audit(version, actor=actor, action=action, from_status=from_status, reason=reason)
    return version


@transaction.atomic
def version_upload(
    *, actor, app_id: str, version: str, bundle: bytes, description: str = ""
) -> MiniProgramVersion:
    """Store a validated bundle as a draft. Any failure raises before anything is written."""
    miniprogram = selectors.miniprogram_for_member(app_id=app_id, user=actor)
    _lock_app(miniprogram)
    checked = bundles.bundle_check(bundle, allowed_scopes=miniprogram.allowed_scopes)
    used = selectors.app_storage_used(miniprogram=miniprogram)
    if used + checked.uncompressed_size > settings.MINIPROGRAM_APP_MAX_BYTES:
        raise InvalidInput(
            f"The app would store {used + checked.uncompressed_size} bytes; the limit is "
            f"{settings.MINIPROGRAM_APP_MAX_BYTES}. Delete old drafts first.",
            code=APP_STORAGE_EXCEEDED,
        )
    try:
        with transaction.atomic():
            created = MiniProgramVersion.objects.create(
                miniprogram=miniprogram,
                version=version,
                description=description,
                manifest=checked.manifest,
                bundle=bundle,
                bundle_size=checked.uncompressed_size,
                uploaded_by=actor,
            )
    except IntegrityError as exc:
        raise Conflict("This version number exists.", code=VERSION_EXISTS) from exc
    _audit(created, actor=actor, action="upload", from_status="")
    return created


@transaction.atomic
def version_delete(*, actor, app_id: str, version_id: int) -> None:
    """Free storage: only drafts and rejected versions can go (the rest is review history)."""
    miniprogram = selectors.miniprogram_for_member(app_id=app_id, user=actor)
    version = _locked_version(version_id, miniprogram.pk)
    if version.status not in (Status.DRAFT, Status.REJECTED):
        raise Conflict(
            "Only drafts and rejected versions can be deleted.", code=INVALID_VERSION_STATE
        )
    version.delete()


@transaction.atomic
def version_trial(*, actor, app_id: str, version_id: int) -> MiniProgramVersion:
    """Make a draft the trial version its testers open (one trial at a time)."""
    miniprogram = selectors.miniprogram_for_member(app_id=app_id, user=actor)
    _lock_app(miniprogram)
    version = _locked_version(version_id, miniprogram.pk)
    for previous in (
        locks.mini_program_versions()
        .filter(miniprogram=miniprogram, status=Status.TRIAL)
        .exclude(pk=version.pk)
        .defer("bundle")
    ):
        _transition(
            previous, actor=actor, action="untrial", allowed_from=[Status.TRIAL], to=Status.DRAFT
        )
    return _transition(
        version, actor=actor, action="trial", allowed_from=[Status.DRAFT], to=Status.TRIAL
    )


@transaction.atomic
def version_submit(*, actor, app_id: str, version_id: int) -> MiniProgramVersion:
    miniprogram = selectors.miniprogram_for_member(app_id=app_id, user=actor)
    version = _locked_version(version_id, miniprogram.pk)
    return _transition(
        version,
        actor=actor,
        action="submit",
        allowed_from=[Status.DRAFT, Status.TRIAL],
        to=Status.SUBMITTED,
    )


def _reviewable(reviewer, version_id: int) -> MiniProgramVersion:
    if not reviewer.is_staff:
        raise Forbidden("Only platform reviewers review versions.", code=NOT_A_REVIEWER)
    version = locks.mini_program_versions().defer("bundle").filter(pk=version_id).first()
    if version is None:
        raise NotFound("No such version.", code=VERSION_NOT_FOUND)
    return version


@transaction.atomic
def version_approve(*, reviewer, version_id: int, reason: str = "") -> MiniProgramVersion:
    version = _reviewable(reviewer, version_id)
    return _transition(
        version,
        actor=reviewer,
        action="approve",
        allowed_from=[Status.SUBMITTED],
        to=Status.APPROVED,
        reason=reason,
    )


@transaction.atomic
def version_reject(*, reviewer, version_id: int, reason: str) -> MiniProgramVersion:
    if not reason.strip():
        raise InvalidInput(fields={"reason": ["A rejection needs a reason."]})
    version = _reviewable(reviewer, version_id)
    return _transition(
        version,
        actor=reviewer,
        action="reject",
        allowed_from=[Status.SUBMITTED],
        to=Status.REJECTED,
        reason=reason,
    )


def _make_current(
    miniprogram: MiniProgram,
    version: MiniProgramVersion,
    *,
    actor,
    action: str,
    previous_status: str,
) -> MiniProgramVersion:
    """Swap the released version: the current one becomes ``previous_status``."""
    current = (
        locks.mini_program_versions()
        .defer("bundle")
        .filter(miniprogram=miniprogram, status=Status.RELEASED)
        .first()
    )
    if current is not None:
        _transition(
            current, actor=actor, action=action, allowed_from=[Status.RELEASED], to=previous_status
        )
    from_status = version.status
    version.status, version.released_at = Status.RELEASED, timezone.now()
    version.save(update_fields=["status", "released_at"])
    _audit(version, actor=actor, action=action, from_status=from_status)
    return version


@transaction.atomic
def version_release(*, actor, app_id: str, version_id: int) -> MiniProgramVersion:
    miniprogram = selectors.miniprogram_for_member(
        app_id=app_id, user=actor, roles=selectors.MANAGERS
    )
    _lock_app(miniprogram)
    version = _locked_version(version_id, miniprogram.pk)
    if version.status != Status.APPROVED:
        raise Conflict("Only an approved version can be released.", code=INVALID_VERSION_STATE)
    return _make_current(
        miniprogram, version, actor=actor, action="release", previous_status=Status.SUPERSEDED
    )


@transaction.atomic(savepoint=False)
def first_party_release(
    *, miniprogram: MiniProgram, version: str, bundle: bytes, description: str = ""
) -> tuple[MiniProgramVersion, bool]:
    """Release a bundle Plaza itself built (a brand's storefront) without the review queue:
    Plaza's own code, reviewed in its repository. Idempotent: the version already released
    answers ``(version, False)``; a version stored before is released again as it is."""
    _lock_app(miniprogram)
    existing = MiniProgramVersion.objects.filter(miniprogram=miniprogram, version=version).first()
    if existing is not None and existing.status == Status.RELEASED:
        return existing, False
    if existing is None:
        checked = bundles.bundle_check(bundle, allowed_scopes=miniprogram.allowed_scopes)
        existing = MiniProgramVersion.objects.create(
            miniprogram=miniprogram,
            version=version,
            description=description,
            status=Status.APPROVED,
            manifest=checked.manifest,
            bundle=bundle,
            bundle_size=checked.uncompressed_size,
        )
        _audit(existing, actor=None, action="upload", from_status="")
    released = _make_current(
        miniprogram, existing, actor=None, action="release", previous_status=Status.SUPERSEDED
    )
    return released, True


@transaction.atomic
def miniprogram_rollback(*, actor, app_id: str) -> MiniProgramVersion:
    """Serve the previously released version again; the current one is marked rolled back."""
    miniprogram = selectors.miniprogram_for_member(
        app_id=app_id, user=actor, roles=selectors.MANAGERS
    )
    _lock_app(miniprogram)
    previous = (
        locks.mini_program_versions()
        .defer("bundle")
        .filter(miniprogram=miniprogram, status=Status.SUPERSEDED)
        .order_by("-released_at", "-id")
        .first()
    )
    if previous is None:
        raise Conflict("There is no previous release to roll back to.", code=NOTHING_TO_ROLL_BACK)
    return _make_current(
        miniprogram, previous, actor=actor, action="rollback", previous_status=Status.ROLLED_BACK
    )
