"""Which editions the preview builds, and which of them saved files change: each edition
has the key of what it needs by the workflow's own rules (briefs.workflow.plan:
edition_needs, needs_key), so that an edit rebuilds the editions of the briefs the
workflow would build again, and a file saved with the same bytes rebuilds nothing."""

from dataclasses import dataclass
from pathlib import Path

from briefs.content.inputs import discover, fields, read_languages
from briefs.content.load import load_brief, load_organisations
from briefs.content.model import BRIEF_ID, LANGUAGES
from briefs.errors import ContentError, ContentErrors, problems_of
from briefs.package import PACKAGE
from briefs.workflow.plan import CaseFiles, content_digests, edition_needs, needs_key, shaping


@dataclass(frozen=True)
class Plan:
    keys: dict  # (brief id, lang): the key of what the edition needs, as the files are now
    problems: dict  # brief id: why its editions cannot be built, as `briefs check` says it
    needed: "Needed | None" = None  # what the keys were made from

    def settled(self, edition, dependencies):
        """The key of what an edition needs once it was built: its entry's dependencies
        (entry_dependencies, None if it failed) with the bytes that build read."""
        return self.needed.key(edition, dependencies, as_read=True)


@dataclass(frozen=True)
class Needed:
    """What the plan read: the words that shape every output, the fields of each brief's
    brief.yaml and of organisations.yaml, the content files' digests, the case files."""

    project: object
    words: str
    fields: dict  # brief id: (its brief.yaml's fields, organisations.yaml's)
    digests: dict
    cases: CaseFiles

    def needs(self, edition, dependencies):
        brief_id, lang = edition
        return edition_needs(self.project, brief_id, lang, *self.fields[brief_id], dependencies,
                             self.cases)

    def key(self, edition, dependencies, as_read=False):
        return needs_key(self.project, self.words, [self.needs(edition, dependencies)],
                         self.digests, self.cases, as_read)


def make_plan(project, settings, dependencies):
    """The editions of every brief of the project as its files are now, each with its key.
    dependencies(edition): what its last build recorded (entry_dependencies), or None."""
    try:
        brief_ids = discover(project)
        words = shaping(project, settings)[1]
        cases = CaseFiles(project, settings.audience, settings.cache, check=False)
    except (ContentError, ContentErrors) as error:  # content/briefs itself is a link, say
        return Plan({}, {"": messages(error)})
    read, problems = {}, {}
    for brief_id in brief_ids:
        try:
            data = fields(project, project.brief_dir(brief_id) / "brief.yaml")
            languages = read_languages(project, brief_id, data)
            if not BRIEF_ID.match(brief_id) or not set(languages) <= set(LANGUAGES):
                raise ContentError(project.brief_dir(brief_id), "not a brief the build can make")
            read[brief_id] = data, fields(project, project.content / "organisations.yaml")
        except (ContentError, ContentErrors) as error:
            problems[brief_id] = _brief_problem(project, brief_id, error)
    needs = {(brief_id, lang): edition_needs(project, brief_id, lang, data, organisations,
                                             dependencies((brief_id, lang)), cases)
             for brief_id, (data, organisations) in read.items() for lang in data["languages"]}
    needed = Needed(project, words, read, content_digests(project, needs.values()), cases)
    keys = {edition: needs_key(project, words, [need], needed.digests, cases)
            for edition, need in needs.items()}
    cases.save()
    return Plan(keys, problems, needed)


def _brief_problem(project, brief_id, error):
    """Why a brief cannot be planned, in the words of the check that the build makes."""
    try:
        load_brief(project, brief_id, load_organisations(project))
    except (ContentError, ContentErrors) as found:
        return messages(found)
    return messages(error)


def messages(error):
    """A ContentError or ContentErrors as `briefs check` prints it: a line per problem."""
    return "\n".join(f"error: {problem}" for problem in problems_of(error))


def is_code(path):
    """Whether a saved file is part of the package (its code, catalogues, the preview's
    own pages), which shapes every output."""
    return Path(path).is_relative_to(PACKAGE)
