"""The app boundaries `make lint` enforces (pyproject.toml, scripts/import_boundaries.py): a
forbidden import fails lint-imports, and docs/architecture.md shows the real app graph."""

import shutil
import subprocess
import sys

import pytest

from scripts import import_boundaries
from tests.system.processes import ROOT

PACKAGES = ("superapp", "miniprograms", "payments", "redpackets", "loyalty", "scripts")
LINT_IMPORTS = str(ROOT / ".venv" / "bin" / "lint-imports")


def lint_imports(tree):
    """``lint-imports`` exactly as ``make lint`` runs it, over a copy of the tree."""
    return subprocess.run(
        [LINT_IMPORTS if shutil.which(LINT_IMPORTS) else "lint-imports", "--no-cache"],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    root = tmp_path_factory.mktemp("tree")
    ignore = shutil.ignore_patterns("__pycache__", "migrations", "static", "*.pem")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, root / package, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


def with_import(tree, module: str, statement: str):
    """Add ``statement`` at the end of ``module`` in the copied tree; undo it afterwards."""
    path = tree.joinpath(*module.split(".")).with_suffix(".py")
    if not path.exists():  # a package (payments/services/)
        path = tree.joinpath(*module.split("."), "__init__.py")
    original = path.read_text()
    path.write_text(original + f"\n{statement}\n")
    return path, original


def test_the_tree_keeps_every_contract(tree):
    result = lint_imports(tree)
    assert result.returncode == 0, result.stdout
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "statement", "broken", "named"),
    [
        (
            "payments.services",
            "from miniprograms.shop import services as shop",
            "payments knows nothing of shops",
            "payments.services -> miniprograms.shop.services",
        ),
        (
            "loyalty.services",
            "from miniprograms.shop.api import serializers",
            "Apps reach each other only through services, selectors and events",
            "loyalty.services -> miniprograms.shop.api.serializers",
        ),
        (
            "superapp.social.services",
            "from superapp.messaging.models import Message",
            "Apps reach each other only through services, selectors and events",
            "superapp.social.services -> superapp.messaging.models",
        ),
        (
            "superapp.core.api",
            "from superapp.accounts import selectors",
            "core imports nothing of the project",
            "superapp.core.api -> superapp.accounts.selectors",
        ),
        (
            "superapp.accounts.selectors",
            "from superapp.messaging import selectors",
            "Apps reach each other only through services, selectors and events",
            "app cycle",
        ),
    ],
)
def test_a_forbidden_import_fails_lint(tree, module, statement, broken, named):
    path, original = with_import(tree, module, statement)
    try:
        result = lint_imports(tree)
    finally:
        path.write_text(original)
    assert result.returncode == 1
    assert f"{broken}" in result.stdout and "BROKEN" in result.stdout
    assert named in " ".join(result.stdout.split())


def test_a_model_may_refer_to_another_apps_model():
    boundaries, _ = import_boundaries.configured()
    assert boundaries.allowed("loyalty.models", "loyalty", "payments.models", "payments")
    assert not boundaries.allowed("loyalty.services", "loyalty", "payments.models", "payments")


def test_the_architecture_page_shows_the_real_app_graph():
    page = (ROOT / "docs" / "architecture.md").read_text()
    graph = import_boundaries.graph_markdown()
    assert graph in page, (
        "docs/architecture.md's app graph is stale: paste the output of "
        f"`{sys.executable} scripts/import_boundaries.py`:\n{graph}"
    )
