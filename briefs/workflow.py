"""What the Snakefile asks the package: which files each job depends on."""

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
