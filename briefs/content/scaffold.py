"""`briefs new`: a new brief's folder with a commented brief.yaml and its section files."""

from pathlib import Path

import jinja2

from briefs import i18n
from briefs.content.load import DATE_PLACEHOLDER
from briefs.errors import ContentError
from briefs.content.model import BRIEF_ID
from briefs.kinds import KINDS, N_

SCAFFOLDS = Path(__file__).parent / "scaffolds"
# The heading of each section file a kind's skeleton has (briefs.kinds), translated into
# the file's language; a statement's or column's body has none.
HEADINGS = {
    "summary": N_("Summary"), "background": N_("Background"),
    "recommendations": N_("Recommendations"), "annex": N_("Annex"), "calls": N_("Calls"),
    "introduction": N_("Introduction"), "general-developments": N_("General developments"),
    "peaceful-assembly": N_("Peaceful assembly"), "expression": N_("Expression"),
    "association": N_("Association"),
}


def new_brief(project, kind, brief_id, languages):
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
               "date": DATE_PLACEHOLDER, "id": brief_id,
               "organisation": _first_organisation(project)}
    files = {folder / "brief.yaml": env.get_template("brief.yaml").render(context)}
    for stem, _ in skeleton:
        for lang in languages:
            heading = HEADINGS.get(stem)
            files[folder / f"{stem}.{lang}.md"] = env.get_template("section.md").render(
                context, lang=lang,
                heading=heading and i18n.translations(lang).gettext(heading))
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
