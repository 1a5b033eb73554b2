"""The package's imports go one way: each stage imports only the stages before it."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "briefs"
# Lower first; modules in one entry may import each other.
STAGES = [
    {"__init__", "errors", "project", "files", "kinds", "i18n", "package", "settings"},
    {"content"},
    {"cases"},
    {"edition"},
    {"render"},
    {"pdf", "pdf_tags"},
    {"publish"},
    {"workflow"},
    {"distribution"},
    {"preview"},
    {"cli", "__main__"},
]


def stage_of(module):
    """The stage of a module named as 'briefs.x.y' or by its path's first part."""
    first = module.split(".")[1] if module.startswith("briefs.") else module
    return next(index for index, names in enumerate(STAGES) if first in names)


def imported(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("briefs"):
            yield node.module, node.lineno
        elif isinstance(node, ast.Import):
            yield from ((alias.name, node.lineno) for alias in node.names
                        if alias.name.startswith("briefs"))


def test_every_stage_imports_only_earlier_ones():
    backwards = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        own = stage_of(relative.parts[0].removesuffix(".py"))
        for module, line in imported(path):
            if module != "briefs" and stage_of(module) > own:
                backwards.append(f"{relative}:{line} imports {module}")
    assert backwards == []


def test_relative_imports_are_not_used():
    found = [f"{path.relative_to(PACKAGE)}:{node.lineno}" for path in PACKAGE.rglob("*.py")
             for node in ast.walk(ast.parse(path.read_text()))
             if isinstance(node, ast.ImportFrom) and node.level]
    assert found == []
