"""Which briefs a run builds, decided by the bytes they are made from.

What one edition is made from is said once, by edition_needs: the templates, code and
settings that shape every output, what brief.yaml names (all there is to go by before a
first build), the files its entry says it read at its last build (recorded as they were
read: sections, pictures, cited briefs...), and the case records it showed or whose
questions it answers now. Planning hashes the bytes of what a brief's editions need into
the brief's key (needs_key), as the preview does for each edition (briefs.preview.plan),
so that both rebuild what an edit changes by the same rules. The key is kept in a stamp
file of the private cache, rewritten only when it changes, as the fingerprint of templates
and code is: a file saved unchanged rebuilds nothing and an edit whose size and time were
put back rebuilds its brief. A brief is stale when an output is missing or older than its
stamp or the fingerprint, the rule Snakemake applies to those two inputs of the brief's
job, its only ones: content files' own dates never count, so a file dated in the future
cannot fail a job (it is named in a warning). Only stale briefs are shown to Snakemake,
unless it is told to force jobs. The catalogue and manifest have a stamp of every entry's
bytes, so that they follow whatever entries a run left, however it ended.
"""

import dataclasses
import datetime
import functools
import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from briefs.cases.sources import book_key, case_catalogues, case_sources
from briefs.content.inputs import brief_inputs, discover, fields, read_languages
from briefs.errors import ContentError, ContentErrors, TemplateCallError
from briefs.files import brief_files, output_files, write_whole
from briefs.package import package_files


@dataclass(frozen=True)
class BriefPlan:
    languages: tuple
    folder: str  # the build folder it is written into: the build's, or the embargoed one
    outputs: list  # the files of each edition, then the brief's own
    entries: list  # the editions' entries, among the outputs
    stamp: str  # holds the brief's key
    data: dict  # the fields of its brief.yaml, as planning read them
    stale: bool
    held: bool  # under embargo: built apart, in no catalogue or manifest of the build

    @property
    def published(self):
        return not self.held


class Plan:
    """The plan of a build with settings (briefs.settings). words: what else shapes every
    output (the Snakefile's text, the signing certificate's fingerprint); both are part of
    every key. changed(), if given, is called (perhaps more than once) as soon as planning
    finds a brief to build, or a case record read again that a brief showed (before the
    records are checked, which costs): the Snakefile starts the job server then, so that it
    warms up beside the rest of the run, and a run that builds nothing seldom starts it."""

    def __init__(self, project, settings, words, changed=None):
        cache = settings.cache
        self.project, self.cache = project, cache
        self.templates = project.template_files()
        self.toolchain = str(Path(cache, "templates-and-code.sha256"))
        fingerprint, self.words = shaping(project, settings, words, self.templates)
        _write_if_changed(self.toolchain, fingerprint, cache)
        stamps = {brief: _read_stamp(self._stamp_path(brief)) for brief in discover(project)}
        shown = {f"{case}.yaml" for _, found in stamps.values() for edition in found.values()
                 if isinstance(edition, dict) and isinstance(edition.get("cases"), list)
                 for case in edition["cases"]}

        def records_changed(read):
            if changed and read & shown:
                changed()

        self.cases = CaseFiles(project, settings.audience, cache, records_changed)
        # what each job is given: the case book's key and the fingerprint, as planned
        self.settings = dataclasses.replace(settings, cases_key=self.cases.key,
                                            fingerprint=self.toolchain)
        self.organisations = fields(project, project.content / "organisations.yaml")
        inputs = {}
        for brief, stamp in stamps.items():
            data = fields(project, project.brief_dir(brief) / "brief.yaml")
            languages = tuple(read_languages(project, brief, data))
            needs = [edition_needs(project, brief, lang, data, self.organisations,
                                   stamp[1].get(lang), self.cases) for lang in languages]
            inputs[brief] = languages, needs, data, stamp[0]
        self.digests = content_digests(project, [need for _, needs, _, _ in inputs.values()
                                                 for need in needs])
        self.clock_warnings = future_dated(project, {*self.digests, *self.templates})
        self.briefs = {brief: self._plan(brief, *planned) for brief, planned in inputs.items()}
        if changed and self.stale():
            changed()
        self.cases.save()
        self.catalogue_stamp = str(Path(cache, "sources", "catalogue.key"))
        _write_if_changed(self.catalogue_stamp, self._catalogue_key(), cache)

    def stale(self):
        return [brief for brief, plan in self.briefs.items() if plan.stale]

    def warnings(self):
        """What the editions' last builds warned about (pages over budget, mostly empty
        tables), for the end of every run, until it is dealt with."""
        warnings = []
        for path in (entry for plan in self.briefs.values() for entry in plan.entries):
            try:
                warnings += json.loads(Path(path).read_text(encoding="utf-8"))["warnings"]
            except (OSError, ValueError, KeyError):
                continue  # an edition not built yet, or built by an older version
        return self.clock_warnings + warnings

    def settle(self, brief):
        """After a brief was built: its stamp holds the key of what its editions' new
        entries say they need, with the bytes they read (planning's for any other file);
        it keeps its time, older than the outputs. A file that changed while the brief was
        built gives another key next time."""
        plan = self.briefs[brief]
        dependencies = {lang: entry_dependencies([entry])
                        for lang, entry in zip(plan.languages, plan.entries)}
        needs = [edition_needs(self.project, brief, lang, plan.data, self.organisations,
                               dependencies[lang], self.cases) for lang in plan.languages]
        _keeping_time(plan.stamp, lambda: _write_if_changed(
            plan.stamp, self._stamp_text(needs, dependencies, plan.held, as_read=True),
            self.cache))

    def settle_catalogue(self):
        """After the catalogue and manifest were written: their stamp holds the entries
        they were made from, and keeps its time. However a run ends before they are
        written again (a target built alone, SIGTERM), entries that differ from those make
        the next run write them."""
        _keeping_time(self.catalogue_stamp, lambda: _write_if_changed(
            self.catalogue_stamp, self._catalogue_key(), self.cache))

    def _catalogue_key(self):
        """The settings and every entry of the build with the SHA-256 of its bytes (a
        missing one as such): what the catalogue and manifest are made from."""
        lines = [self.words]
        for path in self.published_entries():
            try:
                lines.append(f"{path} {_sha256(Path(path).read_bytes())}")
            except OSError:
                lines.append(f"{path} missing")
        return "\n".join([*lines, ""])

    def _stamp_path(self, brief):
        return Path(self.cache, "sources", f"{brief}.json")

    def forget(self, brief):
        """Remove a brief's stamp after its job failed: the next planning writes it again,
        newer than the last good files Snakemake put back, so the brief is built again."""
        Path(self.briefs[brief].stamp).unlink(missing_ok=True)

    def published_entries(self):
        """The entries of the briefs the build publishes (none under embargo)."""
        return [entry for plan in self.briefs.values() if plan.published
                for entry in plan.entries]

    def _plan(self, brief, languages, needs, data, stamp):
        """A brief's plan; its stamp (its text as read) written again if its key changed."""
        held = under_embargo(self.project, brief, self.settings, data)
        out = self.settings.embargoed_folder() if held else self.settings.folder()
        outputs = brief_outputs(out, brief, languages)
        entries = [output_files(f"{out}/{brief}", brief, lang)["entry"] for lang in languages]
        path = self._stamp_path(brief)
        text = self._stamp_text(needs, {lang: need.dependencies
                                        for lang, need in zip(languages, needs)}, held)
        if text != stamp:
            _write_if_changed(path, text, self.cache)
        return BriefPlan(languages, out, outputs, entries, str(path), data,
                         _stale(outputs, [path, self.toolchain]), held)

    def _stamp_text(self, needs, dependencies, held, as_read=False):
        """A brief's stamp: the key of what its editions need (needs_key) and whether it is
        held back, beside each edition's dependencies ({lang: entry_dependencies}), which
        the next planning reads here rather than in the entries."""
        key = needs_key(self.project, f"{self.words}\0under embargo: {held}", needs,
                        self.digests, self.cases, as_read)
        return json.dumps({"key": key, "dependencies": dependencies}, sort_keys=True,
                          ensure_ascii=False)


def shaping(project, settings, words=(), templates=None):
    """(the fingerprint of templates and code: a line per file, the SHA-256 of what shapes
    every output: the settings, words and that fingerprint). templates: the project's
    template files, if the caller has them."""
    templates = project.template_files() if templates is None else templates
    fingerprint = "".join(f"{_sha256(Path(path).read_bytes())}  {_name(project, path)}\n"
                          for path in templates + package_files())
    return fingerprint, _sha256("\0".join([*settings.shaping(), *words, fingerprint]).encode())


@dataclass(frozen=True)
class EditionNeeds:
    """What one edition is made from, besides the templates, code and settings that shape
    every output: the one set of rules that the workflow's planning (per brief, the union
    of its editions') and the preview (per edition) follow."""

    named: tuple  # the content files brief.yaml names (brief_inputs), all there is at first
    read: dict  # {path: SHA-256 as read} of those its last build recorded reading
    cases: tuple  # its case files (case_files)
    dependencies: dict | None  # its entry's (entry_dependencies), None before a build


def edition_needs(project, brief, lang, data, organisations, dependencies, cases):
    """What one edition needs (EditionNeeds). data, organisations: the fields of its
    brief.yaml and of organisations.yaml; dependencies: what its entry recorded at its
    last build (entry_dependencies), or None; cases: the CaseFiles as they are now."""
    if not isinstance(dependencies, dict):
        dependencies = None  # none, or a stamp of an older version
    root = str(project.root)
    read = {os.path.join(root, name): digest
            for name, digest in (dependencies or {}).get("files", {}).items()}
    return EditionNeeds(tuple(brief_inputs(project, brief, [lang], organisations, data)), read,
                        tuple(case_files(project, dependencies, cases.answer, cases.catalogues)),
                        dependencies)


def content_digests(project, needs):
    """{path: SHA-256} of the content files the editions' needs name that are there: what
    brief.yaml names is (brief_inputs looked); what a last build read may be gone."""
    named = {path for need in needs for path in need.named}
    present = named | {path for need in needs for path in need.read
                       if path not in named and project.exists(path)}
    return {path: _sha256(value)
            for path, value in project.read_each(present, project.kind_of).items()}


def needs_key(project, words, needs, digests, cases, as_read=False):
    """The key of what editions need (EditionNeeds: a brief's, or one edition's), with
    words, what shapes every output (shaping). digests: content_digests, as planning read
    the files (a file its last build read that is gone counts as changed); as_read: the
    files the last build read with the bytes it read (after that build, so that a file
    changed while it ran gives another key next time). cases: CaseFiles."""
    content = {path: digests.get(path, "missing") for need in needs for path in need.named}
    content.update((path, digest if as_read else digests.get(path, "missing"))
                   for need in needs for path, digest in need.read.items())
    files = sorted({path for need in needs for path in need.cases})
    lines = [*(f"{_name(project, path)} {digest}" for path, digest in sorted(content.items())),
             *(f"{_name(project, path)} {cases.digest(path)}" for path in files)]
    return _sha256("\0".join([words, *lines]).encode())


def under_embargo(project, brief, settings, data=None):
    """Whether a brief is held back by its embargo in a public build: until the build is
    told a time after it. An embargo planning cannot read holds it back (its job then says
    what is wrong), so that a mistake never publishes a brief early. data: the fields of
    its brief.yaml, if the caller has read them."""
    if data is None:
        data = fields(project, project.brief_dir(brief) / "brief.yaml")
    embargo = data.get("embargo")
    if settings.internal or embargo is None:
        return False
    try:
        when = datetime.datetime.fromisoformat(str(embargo))
    except ValueError:
        return True
    return when.tzinfo is None or settings.under_embargo(when)


def brief_outputs(out, brief, languages):
    """A brief's files: those of each edition, then its own (brief: an id or a pattern)."""
    folder = f"{out}/{brief}"
    return [*(path for lang in languages for path in output_files(folder, brief, lang).values()),
            *brief_files(folder, brief).values()]


class CaseFiles:
    """The case files as they are now: their digests, the key of the book they make, and
    answers to the questions editions asked, kept in the private cache under the book's
    key. When a record changed, every record is checked before anything runs, so that a
    mistake in one stops the build: from the kept results of each (briefs.cases.cache),
    the changed ones read. The answers are then brought up to date from the changed
    records alone, unless the catalogues or the code changed too; the book itself is read
    only to answer a question anew."""

    def __init__(self, project, audience, cache, edited=None, check=True):
        """edited(names), if given, is called when the book changed, before the records are
        checked, with the file names of the records read this time (those the memo of
        their SHA-256 did not know unchanged). check: False for the preview, which shows a
        mistake in the editions it concerns instead of stopping: questions are then
        answered anew from the book, and one that cannot be makes case_files give all."""
        self.project, self.audience, self.cache = project, audience, cache
        self.sources = case_sources(project, cache)
        self.digests = self.sources.digests
        self.key = book_key(project, audience, self.digests)
        self.folder = str(project.content / "cases")
        self.catalogues = case_catalogues(project)
        self.saved = Path(cache, "case-answers.json")
        # The SHA-256 of the records the answers were given from: read only if a record
        # changed, so it is kept apart.
        self.saved_records = Path(cache, "case-answers-records.json")
        kept = _read_json(self.saved)
        fresh = kept.get("book") == self.key and isinstance(kept.get("answers"), dict)
        self.answers = kept["answers"] if fresh else {}
        self.asked = not fresh  # saved again under the book's new key
        if not fresh:
            if edited:
                edited({os.path.basename(path) for path in self.sources.read()
                        if path.startswith(os.path.join(self.folder, ""))})
            if check:
                self._update(kept)

    def answer(self, queries):
        """The ids of the records that answer the questions now."""
        ids = set()
        for query in queries:
            text = json.dumps(query, sort_keys=True, ensure_ascii=False)
            if not isinstance(self.answers.get(text), list):
                self.answers[text] = _answers(query, self._book())
                self.asked = True
            ids.update(self.answers[text])
        return ids

    def digest(self, path):
        """The SHA-256 of a case file as planning read it, or for the folder of records
        the book's key."""
        return self.key if path == self.folder else self.digests[path]

    def save(self):
        if self.asked:
            records = json.dumps({"book": self.key, "records": self.records})
            write_whole(self.saved_records, records, Path(self.cache) / "scratch")
            text = json.dumps({"book": self.key, "basis": self._basis(),
                               "answers": self.answers}, ensure_ascii=False)
            write_whole(self.saved, text, Path(self.cache) / "scratch")

    def _update(self, kept):
        """Check every record; keep the answers kept, brought up to date from the records
        that changed since they were given, if nothing else they depend on changed."""
        from briefs.cases.cache import Records, checked_records, stem_of  # see _book
        from briefs.cases.load import CaseBook

        views, catalogues = checked_records(self.project, self.audience, self.cache,
                                            self.sources, self.digests)
        given = _read_json(self.saved_records)
        before = given.get("records")
        if (kept.get("basis") != self._basis() or given.get("book") != kept.get("book")
                or not isinstance(before, dict) or not isinstance(kept.get("answers"), dict)):
            return
        records = self.records
        changed = {name for name in records.keys() | before.keys()
                   if records.get(name) != before.get(name)}
        names = {self.names[key] for key in changed if key in self.names}
        book = CaseBook(Records({stem_of(name): view for name, view in views.items()
                                 if name in names}), *catalogues, self.audience)
        for text, ids in kept["answers"].items():
            try:
                unchanged = {case_id for case_id in ids
                             if _name_key(f"{case_id}.yaml") not in changed}
                self.answers[text] = sorted(unchanged | set(_answers(json.loads(text), book)))
            except (ValueError, KeyError, TypeError, TemplateCallError):
                continue  # answered anew if asked again

    @functools.cached_property
    def names(self):
        """{SHA-256 of a record's file name: the name}, of the records there are now."""
        folder = os.path.join(self.folder, "")
        return {_name_key(path[len(folder):]): path[len(folder):] for path in self.digests
                if path.startswith(folder)}

    @property
    def records(self):
        """{SHA-256 of a record's file name: SHA-256 of its bytes}: the public build's cache
        does not name the records the public may not see."""
        folder = os.path.join(self.folder, "")
        return {key: self.digests[folder + name] for key, name in self.names.items()}

    def _basis(self):
        """The key of what the answers depend on besides the records: the catalogues (the
        values a question may filter by), the code and the audience."""
        catalogues = {str(path) for path in self.catalogues}
        return book_key(self.project, self.audience,
                        {path: self.digests[path] for path in catalogues})

    def _book(self):
        # Imported only when a question must be answered anew, which most runs never ask:
        # the book's models take a tenth of a second to import.
        from briefs.cases.cache import casebook

        return casebook(self.project, self.audience, self.cache, sources=self.sources)


def entry_dependencies(entry_paths):
    """What the editions' entries, written at their last build, say they were made from:
    {"files": {name: SHA-256} of the content files they read, as read, "cases": the records
    they showed or counted, "case_queries": the questions (filters as of a date) they
    asked}; None if an entry is missing or damaged."""
    found = {"files": {}, "cases": [], "case_queries": []}
    try:
        for path in entry_paths:
            entry = json.loads(Path(path).read_text(encoding="utf-8"))
            found["files"].update((name, digest) for name, digest in entry["sources"].items()
                                  if name.startswith("content/"))
            found["cases"] += entry["cases"]
            found["case_queries"] += entry["case_queries"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return {"files": dict(sorted(found["files"].items())),
            "cases": sorted(set(found["cases"])), "case_queries": found["case_queries"]}


def case_files(project, dependencies, answer, catalogues=None):
    """The case files a brief depends on: the records of its dependencies
    (entry_dependencies) plus whoever answers the same questions with the case files as
    they are now (answer(queries): their ids), so that a person who newly matches, or no
    longer matches, rebuilds it, and an edit to anyone else does not; with no dependencies
    known, or a question that no longer makes sense, the folder of records as a whole.
    catalogues: case_catalogues(project), if the caller has them.
    """
    catalogues = [str(p) for p in (case_catalogues(project) if catalogues is None
                                   else catalogues)]
    folder = str(project.content / "cases")
    everything = [folder, *catalogues] if os.path.exists(folder) else catalogues
    if dependencies is None:
        return everything
    try:
        ids = set(dependencies["cases"]) | answer(dependencies["case_queries"])
    except (KeyError, TypeError, ValueError, ContentError, ContentErrors, TemplateCallError):
        return everything  # rebuilt, to say what is wrong with the question
    files = [os.path.join(folder, f"{case_id}.yaml") for case_id in sorted(ids)]
    present = [path for path in files if os.path.exists(path)]
    if len(present) < len(files):
        present.append(folder)  # a record it showed was deleted
    return present + (catalogues if ids else [])


def _answers(query, book):
    from briefs.cases.queries import CaseQueries  # see CaseFiles._book

    asking = CaseQueries(book)
    return sorted(case.id for case in asking.select(datetime.date.fromisoformat(query["day"]),
                                                    **query["filters"]))


def _read_json(path):
    """A mapping kept in a JSON file, or {} if it is absent or damaged."""
    try:
        kept = json.loads(Path(path).read_bytes())
    except (OSError, ValueError):
        return {}
    return kept if isinstance(kept, dict) else {}


def _name_key(name):
    return _sha256(name.encode())


def _read_stamp(stamp):
    """(its text, {lang: the dependencies it recorded of each edition at the brief's last
    build}): (None, {}) if there is no stamp, {} if it is damaged or has none."""
    try:
        text = Path(stamp).read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None, {}
    try:
        found = json.loads(text)["dependencies"]
    except (ValueError, KeyError, TypeError):
        return text, {}
    return text, found if isinstance(found, dict) else {}


def future_dated(project, paths):
    """A warning for each file dated in the future: its bytes decide what is rebuilt, but
    other tools (backups, make, Snakemake) trust dates, so the date should be put right."""
    now, warnings = time.time(), []
    for path in sorted(paths):
        when = os.stat(path).st_mtime
        if when > now + 60:  # a minute of leeway for a clock a little ahead
            day = datetime.datetime.fromtimestamp(when).isoformat(" ", "minutes")
            warnings.append(f"{_name(project, path)} is dated {day}, in the future: its "
                            f"date was ignored; set it right with: touch {_name(project, path)}")
    return warnings


def _keeping_time(path, write):
    """Run write(), which may rewrite the file at path, and give the file its time back."""
    before = os.stat(path)
    write()
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def _stale(outputs, inputs):
    """Whether an output is missing or older than an input (both exist for a planned
    brief), as Snakemake judges a job by its files' times."""
    try:
        oldest = min(os.stat(path).st_mtime for path in outputs)
    except FileNotFoundError:
        return True
    return oldest < max(os.stat(path).st_mtime for path in inputs)


def _write_if_changed(path, text, cache):
    """Write a stamp or fingerprint only if its text changed: its time says when."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if path.read_text(encoding="utf-8") == text:
            return
    except (OSError, ValueError):
        pass
    write_whole(path, text, Path(cache) / "scratch")


def _name(project, path):
    """A path of the project as a relative one (a prefix cut off: planning names
    thousands)."""
    root = f"{project.root}{os.sep}"
    path = str(path)
    return path[len(root):] if path.startswith(root) else os.path.relpath(path, project.root)


def _sha256(data):
    return hashlib.sha256(data).hexdigest()
