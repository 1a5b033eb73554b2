"""`briefs new`: a new brief's folder with a commented brief.yaml and its section files."""

import datetime
from pathlib import Path

import jinja2

from briefs.errors import ContentError
from briefs.content.model import BRIEF_ID
from briefs.kinds import KINDS

SCAFFOLDS = Path(__file__).parent / "scaffolds"


def new_brief(project, kind, brief_id, languages, today=None):
    """Create content/briefs/<brief_id>/ and return the files written."""
    if kind not in KINDS:
        raise ContentError(kind, f"unknown kind '{kind}'",
                           hint=f"use one of: {', '.join(KINDS)}")
    if not BRIEF_ID.match(brief_id):
        raise ContentError(brief_id, "not a valid brief id",
                           hint="use lower-case letters, digits and hyphens, e.g. 2024-05-my-brief")
    folder = project.brief_dir(brief_id)
    if folder.exists():
        raise ContentError(folder, "this brief already exists", hint="choose another id")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(SCAFFOLDS),
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    skeleton = KINDS[kind].skeleton
    context = {"kind": kind, "languages": languages, "sections": skeleton,
               "date": (today or datetime.date.today()).isoformat(), "id": brief_id,
               "organisation": _first_organisation(project)}
    files = {folder / "brief.yaml": env.get_template("brief.yaml").render(context)}
    for stem, role in skeleton:
        for lang in languages:
            files[folder / f"{stem}.{lang}.md"] = env.get_template("section.md").render(
                context, stem=stem, role=role, lang=lang)
    folder.mkdir(parents=True)
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    return sorted(files)


def _first_organisation(project):
    path = project.content / "organisations.yaml"
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line[:1].isalnum() and line.rstrip().endswith(":"):
                return line.rstrip()[:-1]
    return "your-organisation"
