"""What the Snakefile asks the package: which files each job depends on."""

import json
from pathlib import Path

PACKAGE = Path(__file__).parent


def template_files(project):
    """Templates, stylesheets and fonts: a change to any of them rebuilds every edition."""
    return sorted(str(p) for p in project.templates.rglob("*") if p.is_file())


def package_files():
    """The package's own code and message catalogues, which shape every output."""
    return sorted(str(p) for p in PACKAGE.rglob("*")
                  if p.is_file() and p.suffix in (".py", ".po", ".yaml", ".md")
                  and "__pycache__" not in p.parts)


def case_files(project, record_path):
    """The case files and catalogues an edition depends on, as its last build recorded.

    An edition that selected cases by filters depends on every record; one that named cases
    depends on those; one that used none depends on none. Without a record (the first
    build, or after a failure) it depends on all, to be safe. The record is rewritten at
    every build of the edition, and a change to its sections rebuilds it, so the list is
    always that of the current sections.
    """
    content = project.content
    everything = sorted(content.glob("cases/*.yaml"))
    catalogues = sorted(content.glob("legal/*.yaml")) + [
        p for p in (content / "affiliations.yaml", content / "regions.yaml") if p.exists()]
    try:
        record = json.loads(Path(record_path).read_text(encoding="utf-8"))
        used, queried = record["cases"], record["case_queries"]
    except (OSError, ValueError, KeyError):
        return [str(p) for p in [content / "cases"] + everything + catalogues if p.exists()]
    if queried:
        files = [content / "cases"] + everything
    else:
        files = [content / "cases" / f"{case_id}.yaml" for case_id in used]
    return [str(p) for p in files + (catalogues if files else []) if p.exists()]
