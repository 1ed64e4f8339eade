"""An app with an ``errors.py`` spells each of its error codes there, once."""

import importlib
import re
from pathlib import Path

import pytest

from superapp.core.errors import DomainError
from tests.system.processes import ROOT

APPS_WITH_ERRORS = ["loyalty"]
CODE_LITERAL = re.compile(r'code\s*=\s*"([a-z_]+)"')


@pytest.mark.parametrize("app", APPS_WITH_ERRORS)
def test_error_codes_are_spelled_once_in_errors_py(app):
    errors = importlib.import_module(f"{app}.errors")
    declared = [
        value.code
        for value in vars(errors).values()
        if isinstance(value, type)
        and issubclass(value, DomainError)
        and value.__module__ == errors.__name__
    ]
    assert len(declared) == len(set(declared)), "a code declared twice"
    elsewhere = {
        str(path.relative_to(ROOT)): CODE_LITERAL.findall(path.read_text())
        for path in Path(ROOT, app).rglob("*.py")
        if path.name != "errors.py" and "migrations" not in path.parts
    }
    assert {path: codes for path, codes in elsewhere.items() if codes} == {}
