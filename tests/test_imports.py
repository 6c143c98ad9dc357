"""The shape of the code: no module imports itself back through others, and the apps import
only downward (../shared/DESIGN.md, "Apps and what each owns").

Every import counts, also one inside a function: an import put in a function to dodge a circle
still makes the circle, it only moves the failure from start-up to the first call. Imports under
`if TYPE_CHECKING:` do not run and do not count.
"""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("caseflow", "intake", "referrals", "consent")
# Which app may import which (DESIGN.md): caseflow none of the others; referrals reads intake's
# calls and passes consent's gate.
MAY_IMPORT = {
    "caseflow": {"caseflow"},
    "intake": {"intake", "caseflow"},
    "consent": {"consent", "caseflow"},
    "referrals": {"referrals", "caseflow", "intake", "consent"},
}

# caseflow's concern packages, lowest first. Their models, services, selectors and registries
# import only from their own concern and those before it; when a lower concern must reach a
# higher one (a case closing cancels its call-backs), the higher one registers a hook when the
# app starts (caseflow/apps.py). The edges through which requests, the admin and Celery come in
# use any concern, and nothing below them imports an edge.
LAYERS = ("lib", "accounts", "notifications", "cases", "callbacks", "audit", "team")
EDGES = {
    "views", "forms", "tasks", "access", "security", "two_factor", "context_processors", "converters",
    "admin_site", "admin_readonly", "admin_history", "demo",
}  # fmt: skip


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _project_modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts
    }


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


class _Imports(ast.NodeVisitor):
    """Every import statement, at any depth, except those under `if TYPE_CHECKING:`."""

    def __init__(self) -> None:
        self.found: list[ast.Import | ast.ImportFrom] = []

    def visit_If(self, node: ast.If) -> None:
        for child in node.orelse if _is_type_checking(node) else [node.test, *node.body, *node.orelse]:
            self.visit(child)

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> None:
        self.found.append(node)

    visit_ImportFrom = visit_Import


def _imported(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules that `module` imports (`from a import b` is a.b when b is a module)."""
    found = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    imports = _Imports()
    imports.visit(ast.parse(path.read_text(), str(path)))
    for node in imports.found:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in modules)
            continue
        base = node.module or ""
        if node.level:
            base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1], *filter(None, [base])])
        for alias in node.names:
            if f"{base}.{alias.name}" in modules:
                found.add(f"{base}.{alias.name}")
            elif base in modules:
                found.add(base)
    found.discard(module)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _project_modules()
    return {module: _imported(module, path, modules) for module, path in modules.items()}


def _circle(graph: dict[str, set[str]]) -> list[str]:
    """One circle of imports, its first module repeated at its end; [] when there is none."""
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as found:
        return found.args[1]
    return []


def test_no_module_imports_itself_back_through_others():
    assert _circle(_graph()) == []


def test_the_circle_check_finds_a_circle_through_an_import_inside_a_function(tmp_path):
    graph = {"a.services": {"a.tasks"}, "a.tasks": {"a.services"}, "a.views": {"a.services"}}
    assert set(_circle(graph)) == {"a.services", "a.tasks"}
    source = "def later():\n    from caseflow.cases import services\n"
    path = tmp_path / "late.py"
    path.write_text(source)
    assert _imported("x.late", path, {"caseflow.cases.services": path}) == {"caseflow.cases.services"}
    typed = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from caseflow.cases import services\n"
    path.write_text(typed)
    assert _imported("x.late", path, {"caseflow.cases.services": path}) == set()


@pytest.mark.parametrize("app", APPS)
def test_an_app_imports_only_the_apps_below_it(app):
    upward = sorted(
        f"{module} imports {imported}"
        for module, imports in _graph().items()
        if module.split(".")[0] == app
        for imported in imports
        if imported.split(".")[0] not in MAY_IMPORT[app]
    )
    assert upward == []


def _concern(module: str) -> tuple[str, str] | None:
    """("cases", "services") for caseflow.cases.services; None outside the concern packages."""
    parts = module.split(".")
    return (parts[1], parts[-1]) if len(parts) >= 3 and parts[0] == "caseflow" and parts[1] in LAYERS else None


def _against_the_layers(module: str, imported: str) -> bool:
    here, there = _concern(module), _concern(imported)
    if here is None or here[1] in EDGES or there is None:
        return False
    return there[1] in EDGES or LAYERS.index(there[0]) > LAYERS.index(here[0])


def test_the_concern_packages_build_on_those_below_them():
    against = sorted(
        f"{module} imports {imported}"
        for module, imports in _graph().items()
        for imported in imports
        if _against_the_layers(module, imported)
    )
    assert against == []


def test_the_layer_check_refuses_an_upward_import_and_an_edge():
    assert _against_the_layers("caseflow.cases.services", "caseflow.callbacks.services")
    assert _against_the_layers("caseflow.team.dashboard", "caseflow.cases.views")
    assert not _against_the_layers("caseflow.callbacks.services", "caseflow.cases.locking")
    assert not _against_the_layers("caseflow.cases.views", "caseflow.team.dashboard")


def test_models_are_imported_from_their_concern_not_from_the_index():
    """caseflow/models.py only tells Django where the models are; code imports each model from
    its concern package, so that a module's imports say which concerns it touches."""
    through_index = sorted(module for module, imports in _graph().items() if "caseflow.models" in imports)
    assert through_index == []
