"""Every error code is spelled once, in its app's ``errors.py`` (docs/architecture.md, "Errors").

An AST scan of the project's source: a string literal given as an error ``code`` (a ``code=``
argument, a ``"code"`` key of a dict, a ``code`` class attribute) outside an ``errors.py`` fails,
and so does a code defined in two ``errors.py`` modules (or twice in one).
"""

import ast
import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ["superapp", "miniprograms", "payments", "redpackets", "loyalty"]
SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")


def _sources():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _str(node) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and SNAKE.match(node.value):
        return node.value
    return None


def code_literals(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, code) of each error-code literal in ``tree``."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            found += [(kw.value.lineno, _str(kw.value)) for kw in node.keywords if kw.arg == "code"]
        elif isinstance(node, ast.Dict):
            found += [
                (value.lineno, _str(value))
                for key, value in zip(node.keys, node.values, strict=True)
                if isinstance(key, ast.Constant) and key.value == "code"
            ]
        elif isinstance(node, ast.ClassDef):
            for statement in node.body:
                if not isinstance(statement, ast.Assign):
                    continue
                target, value = statement.targets[0], statement.value
                pairs = [(target, value)]
                if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple):
                    pairs = list(zip(target.elts, value.elts, strict=False))
                found += [
                    (v.lineno, _str(v))
                    for t, v in pairs
                    if isinstance(t, ast.Name) and t.id == "code"
                ]
    return [(line, code) for line, code in found if code]


def code_definitions(tree: ast.Module) -> list[str]:
    """The codes an ``errors.py`` defines: its module constants and its classes' ``code``."""
    defined = [
        value
        for statement in tree.body
        if isinstance(statement, ast.Assign)
        and all(isinstance(t, ast.Name) and t.id.isupper() for t in statement.targets)
        and (value := _str(statement.value))
    ]
    return defined + [code for _, code in code_literals(tree)]


def test_no_error_code_literal_outside_errors_modules():
    stray = [
        f"{path.relative_to(ROOT)}:{line}: {code!r}"
        for path in _sources()
        if path.name != "errors.py"
        for line, code in code_literals(ast.parse(path.read_text()))
    ]
    assert stray == [], "error codes belong in the app's errors.py:\n" + "\n".join(stray)


def test_each_error_code_is_defined_once():
    counts = Counter(
        code
        for path in _sources()
        if path.name == "errors.py"
        for code in code_definitions(ast.parse(path.read_text()))
    )
    twice = sorted(code for code, n in counts.items() if n > 1)
    assert twice == [], f"error codes spelled more than once: {twice}"
    assert {"program_not_found", "conversation_not_found", "user_not_found"} <= counts.keys()


def test_the_scan_sees_each_way_of_spelling_a_code():
    """The scan is not vacuous: each form it looks for is found in a sample."""
    sample = ast.parse(
        "raise NotFound('No.', code='thing_not_found')\n"
        "body = {'code': 'too_large', 'detail': 'x'}\n"
        "class Refused(DomainError):\n"
        "    code = 'refused'\n"
        "class Gone(NotFound):\n"
        "    code, default_detail = 'gone', 'Gone.'\n"
        "Coupon.objects.get(code=user_input)\n"
    )
    assert sorted(code for _, code in code_literals(sample)) == [
        "gone",
        "refused",
        "thing_not_found",
        "too_large",
    ]
    twice = ast.parse("A = 'x_code'\nclass X(Conflict):\n    code = 'x_code'\n")
    assert code_definitions(twice) == ["x_code", "x_code"]


def test_each_app_keeps_its_codes_in_one_errors_module_and_its_locks_in_one_locks_module():
    """One ``errors.py`` and one ``locks.py`` per app at most (a nested app, such as the
    shop inside miniprograms, is an app of its own)."""
    apps = {path.parent for package in PACKAGES for path in (ROOT / package).rglob("apps.py")}
    modules = [path for path in _sources() if path.name in ("errors.py", "locks.py")]

    def owner(path: Path) -> Path:
        return max((app for app in apps if app in path.parents), key=lambda app: len(app.parts))

    counts = Counter((owner(path), path.name) for path in modules)
    twice = sorted(f"{app.relative_to(ROOT)}: {name}" for (app, name), n in counts.items() if n > 1)
    assert twice == [], f"more than one module of a kind in an app: {twice}"
    assert len(counts) > 20  # the scan saw the apps' modules
