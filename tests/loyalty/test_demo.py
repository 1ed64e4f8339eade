import pytest
from django.core.management import call_command

from loyalty.models import Consent, Member, Program

pytestmark = pytest.mark.django_db


def test_demo_seed_builds_a_program_and_is_repeatable():
    call_command("seed_demo")
    call_command("seed_demo")
    assert Program.objects.count() == 1
    assert Member.objects.get().user.username == "bob"
    assert Consent.objects.filter(purpose="marketing", withdrawn_at__isnull=True).count() == 1
