"""The miniprograms app's row locks: each a queryset locked FOR UPDATE (of its own rows)
in primary-key order, so two transactions always take them in the same order (docs/architecture.md,
"Locks")."""

from oauth2_provider.models import Grant

from miniprograms.models import MiniProgram, MiniProgramVersion, SubscribeAcceptance
from superapp.core.locks import lock_objects


def grants(*, skip_locked: bool = False):
    return lock_objects(Grant.objects, skip_locked=skip_locked)


def mini_program_versions(*, skip_locked: bool = False):
    return lock_objects(MiniProgramVersion.objects, skip_locked=skip_locked)


def mini_programs(*, skip_locked: bool = False):
    return lock_objects(MiniProgram.objects, skip_locked=skip_locked)


def subscribe_acceptances(*, skip_locked: bool = False):
    return lock_objects(SubscribeAcceptance.objects, skip_locked=skip_locked)
