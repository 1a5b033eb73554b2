"""One job of the preview: one edition built exactly as the workflow builds it (its web page,
PDF, link picture and entry), into the preview's private folder rather than build/.

The preview's job server runs it as `briefs preview --build <brief> <lang> --into <folder>`,
in a process forked for it; its messages go to the edition's log, which the preview shows.
"""

from briefs.workflow.driver import build_edition
from briefs.edition import editions
from briefs.errors import ContentError
from briefs.publish.manifest import template_sources


def build_one(project, brief_id, lang, folder, settings):
    """Build the edition of brief_id in lang into folder, as the brief's job would."""
    for edition in editions(project, brief_id, settings, folder):
        if edition.lang == lang:
            return build_edition(edition, template_sources(project, settings.fingerprint))
    raise ContentError(project.brief_dir(brief_id) / "brief.yaml",
                       f"the brief has no edition in '{lang}' any more",
                       hint="open one of the editions its 'languages' lists")
