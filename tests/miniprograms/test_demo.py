import io

import pytest
from django.core.management import call_command

from miniprograms.models import MiniProgram

pytestmark = pytest.mark.django_db


def test_seed_demo_publishes_corner_coffee_once():
    call_command("seed_demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    app = MiniProgram.objects.get(name="Corner Coffee")
    assert app.versions.get().status == "released"
    assert f"miniprogram Corner Coffee: exists ({app.app_id})" in out.getvalue()
