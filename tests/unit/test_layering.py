"""The architecture as a test (STYLE.md "Lessons"): the pure core imports nothing of the app, Flask or
the database; no feature imports the factory; features depend on each other without cycles.

The import graph comes from grimp, the library behind import-linter."""
from __future__ import annotations

from graphlib import CycleError, TopologicalSorter

import grimp
import pytest

PURE = ("checks", "exports", "fpp.imports.tracker", "fpp.imports.workbook", "fpp.imports.guard")
FRAMEWORKS = {"flask", "flask_login", "flask_wtf", "werkzeug", "wtforms", "sqlalchemy", "alembic", "jinja2"}


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("fpp", "checks", "exports", include_external_packages=True)


def _is_pure(module: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in PURE)


def test_the_pure_core_imports_nothing_of_the_app_flask_or_the_database(graph):
    bad = sorted(f"{module} imports {imported}"
                 for module in graph.modules if _is_pure(module)
                 for imported in graph.find_modules_directly_imported_by(module)
                 if (imported.startswith("fpp") and not _is_pure(imported))
                 or imported.split(".")[0] in FRAMEWORKS)
    assert bad == []


def test_no_feature_imports_the_factory(graph):
    assert graph.find_modules_that_directly_import("fpp.app") <= {"fpp.cli", "fpp.runner"}


def _features(graph) -> list[str]:
    return sorted(m for m in graph.find_children("fpp") if graph.find_children(m))


def test_features_depend_on_each_other_without_cycles(graph):
    features = _features(graph)
    assert {"fpp.register", "fpp.people", "fpp.imports", "fpp.auth"} <= set(features)
    depends = {a: {b for b in features if b != a and graph.direct_import_exists(
        importer=a, imported=b, as_packages=True)} for a in features}
    try:
        tuple(TopologicalSorter(depends).static_order())
    except CycleError as cycle:
        pytest.fail(f"features import each other in a cycle: {' -> '.join(cycle.args[1])}")


def test_each_feature_owns_a_templates_folder_of_its_name_or_none(graph):
    from pathlib import Path
    templates = Path(__file__).resolve().parents[2] / "templates"
    folders = {p.name for p in templates.iterdir() if p.is_dir() and not p.name.startswith("_")}
    features = {f.split(".")[1] for f in _features(graph)}
    assert folders - features <= {"email", "errors"}, "a templates folder no feature owns"
