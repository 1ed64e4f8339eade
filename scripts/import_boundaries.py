"""Plaza's app boundaries as an import-linter contract, and the app graph the docs show.

``lint-imports`` (run by ``make lint``) checks the ``app_boundaries`` contract configured in
pyproject.toml: an import from one app into another must land in the other app's public
surface (``services``, ``selectors``, ``events``), in the shared kernel (``superapp.core``, the
user model), or be a model referring to another app's model (a foreign key). The project's
composition root (settings, urls, routing) may also reach the apps' entry points (consumers).
The apps' graph must have no cycle.

``python scripts/import_boundaries.py`` prints the graph of allowed dependencies between apps
as the Markdown block docs/architecture.md carries; tests/test_architecture.py fails when the
two differ.
"""

import sys
import tomllib
from pathlib import Path

import grimp
from importlinter import Contract, ContractCheck, fields, output

ROOT = Path(__file__).resolve().parent.parent


def app_of(module: str, apps: list[str]) -> str | None:
    """The app ``module`` belongs to: the longest configured app name it starts with."""
    owners = [app for app in apps if module == app or module.startswith(app + ".")]
    return max(owners, key=len) if owners else None


def submodule(module: str, app: str) -> str:
    """The first name under the app: ``services`` for ``payments.services.x``."""
    rest = module[len(app) + 1 :]
    return rest.split(".", 1)[0] if rest else ""


def _within(module: str, prefixes: list[str]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


class Boundaries:
    def __init__(self, *, apps, public, shared, composition_root, entry_points):
        self.apps, self.public, self.shared = list(apps), set(public), list(shared)
        self.composition_root, self.entry_points = list(composition_root), set(entry_points)

    def crossings(self, graph: grimp.ImportGraph):
        """Every direct import between two different apps (or from the composition root)."""
        for importer in sorted(graph.modules):
            source = app_of(importer, self.apps)
            from_root = _within(importer, self.composition_root)
            if source is None and not from_root:
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                target = app_of(imported, self.apps)
                if target is not None and target != source:
                    yield importer, source, imported, target

    def allowed(self, importer: str, source: str | None, imported: str, target: str) -> bool:
        if _within(imported, self.shared):
            return True
        name = submodule(imported, target)
        if name in self.public:
            return True
        if source is None:  # the composition root
            return name in self.entry_points
        return submodule(importer, source) == "models" and name == "models"

    def app_edges(self, graph: grimp.ImportGraph) -> dict[str, set[str]]:
        edges: dict[str, set[str]] = {app: set() for app in self.apps}
        for _importer, source, _imported, target in self.crossings(graph):
            if source is not None and not _within(target, self.shared):
                edges[source].add(target)
        return edges


def find_cycle(edges: dict[str, set[str]]) -> list[str]:
    """One cycle of the app graph (``[a, b, a]``), or ``[]``."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return []

    for node in sorted(edges):
        if node not in state and (cycle := visit(node)):
            return cycle
    return []


class AppBoundaryContract(Contract):
    """Apps reach each other only through their public modules; the app graph has no cycle."""

    apps = fields.ListField(subfield=fields.StringField())
    public = fields.ListField(subfield=fields.StringField())
    shared = fields.ListField(subfield=fields.StringField())
    composition_root = fields.ListField(subfield=fields.StringField())
    entry_points = fields.ListField(subfield=fields.StringField())

    def boundaries(self) -> Boundaries:
        return Boundaries(
            apps=self.apps,
            public=self.public,
            shared=self.shared,
            composition_root=self.composition_root,
            entry_points=self.entry_points,
        )

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        boundaries = self.boundaries()
        invalid = []
        for importer, source, imported, target in boundaries.crossings(graph):
            if not boundaries.allowed(importer, source, imported, target):
                details = graph.get_import_details(importer=importer, imported=imported)
                lines = sorted({d["line_number"] for d in details})
                invalid.append({"importer": importer, "imported": imported, "lines": lines})
        cycle = find_cycle(boundaries.app_edges(graph))
        return ContractCheck(
            kept=not invalid and not cycle, metadata={"invalid": invalid, "cycle": cycle}
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        for item in check.metadata["invalid"]:
            lines = ", ".join(f"l.{n}" for n in item["lines"])
            output.print_error(
                f"{item['importer']} -> {item['imported']} ({lines}): not a public module "
                f"({', '.join(sorted(self.public))}) of that app",
                bold=False,
            )
        if check.metadata["cycle"]:
            output.print_error("app cycle: " + " -> ".join(check.metadata["cycle"]), bold=False)


def configured() -> tuple[Boundaries, list[str]]:
    """The contract's options and the root packages, as pyproject.toml sets them."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["type"] == "app_boundaries"]
    return Boundaries(
        apps=contract["apps"],
        public=contract["public"],
        shared=contract["shared"],
        composition_root=contract["composition_root"],
        entry_points=contract["entry_points"],
    ), config["root_packages"]


def graph_markdown() -> str:
    """The app graph as docs/architecture.md shows it: each app and the apps it uses."""
    boundaries, packages = configured()
    sys.path.insert(0, str(ROOT))
    edges = boundaries.app_edges(grimp.build_graph(*packages, cache_dir=None))
    rows = ["| app | uses (services, selectors, events; models for foreign keys) |", "|---|---|"]
    for app in boundaries.apps:
        used = ", ".join(f"`{target}`" for target in sorted(edges[app])) or "—"
        rows.append(f"| `{app}` | {used} |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    sys.stdout.write(graph_markdown())
