"""exports/ stays pure: it never imports the app, the database layer, Flask or the check rules."""

import ast
from pathlib import Path

import exports

FORBIDDEN = {"flask", "sqlalchemy", "fpp", "checks"}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_exports_imports_nothing_from_the_app_or_the_database():
    package = Path(exports.__file__).parent
    offenders = {p.name: imported_roots(p) & FORBIDDEN for p in package.glob("*.py")}
    assert not {name: found for name, found in offenders.items() if found}


def test_builders_never_ask_the_clock_for_today():
    package = Path(exports.__file__).parent
    assert not [p.name for p in package.glob("*.py") if "date.today(" in p.read_text()]
