"""Which files a brief is made from, read without validating them: what planning needs
(the build's, the preview's), light enough to run before every build."""

import functools
import os

from briefs.content.yamlfile import parse_mapping
from briefs.errors import ContentError


def discover(project):
    """The ids of all briefs, sorted: every folder of content/briefs with a brief.yaml."""
    return [folder.name for folder in project.folders(project.briefs_dir)
            if project.files(folder, "brief.yaml")]


def read_languages(project, brief_id, data=None):
    """The languages of a brief, read without full validation (for planning the build).
    data: the fields of its brief.yaml, if the caller has read them."""
    path = project.brief_dir(brief_id) / "brief.yaml"
    languages = (fields(project, path) if data is None else data).get("languages")
    if not isinstance(languages, list) or not all(isinstance(x, str) for x in languages):
        raise ContentError(path, "'languages' must be a list such as [en, ru]",
                           field="languages", hint="write for example: languages: [en]")
    return languages


def fields(project, path):
    """A YAML file's fields, for planning, which asks for each brief's languages and inputs
    and for the organisations once per brief: parsed once per text. Read only: the same
    dictionary serves every caller."""
    return _parsed_fields(path, project.read_text(path, "yaml"))


@functools.lru_cache(maxsize=1024)
def _parsed_fields(path, text):
    return parse_mapping(path, text).data


def edition_inputs(project, brief_id, lang):
    """Every content file one edition is made from."""
    return brief_inputs(project, brief_id, [lang])


def brief_inputs(project, brief_id, languages, organisations=None, data=None):
    """The content files the editions in `languages` are made from, for the workflow to
    watch before an edition's entry says what it read: brief.yaml, the organisations, the
    record of confirmed translations and what brief.yaml names. Other files of the brief's folder, such as drafts, are neither. organisations:
    the fields of organisations.yaml, data: those of brief.yaml, if the caller has read
    them. Paths are strings, normalised: planning asks this of every brief before each
    build, and pathlib's paths took most of its time."""
    folder, content = str(project.brief_dir(brief_id)), str(project.content)
    if data is None:
        data = fields(project, project.brief_dir(brief_id) / "brief.yaml")
    # translations.json: what the translations follow, once one is confirmed;
    # releases.yaml: what was sent, once the brief is released
    files = [f"{folder}/brief.yaml", f"{content}/organisations.yaml",
             f"{folder}/translations.json", f"{folder}/releases.yaml"]
    source = data.get("source_language") or (data.get("languages") or ["en"])[0]
    for lang in languages:
        for entry in data.get("sections") or []:
            entry = {"file": entry} if isinstance(entry, str) else entry
            if not isinstance(entry, dict):
                continue
            text_lang = source if lang in (entry.get("untranslated") or []) else lang
            if isinstance(entry.get("shared"), str):
                files.append(os.path.join(content, "sections",
                                          f"{entry['shared']}.{text_lang}.md"))
            elif isinstance(entry.get("file"), str):
                files.append(os.path.join(folder, f"{entry['file']}.{text_lang}.md"))
    photo = data.get("photo")
    if isinstance(photo, dict) and isinstance(photo.get("file"), str):
        files.append(os.path.join(content, photo["file"]))
    if organisations is None:
        organisations = fields(project, project.content / "organisations.yaml")
    for key in data.get("organisations") or []:
        logo = (organisations.get(key) or {}).get("logo") if isinstance(key, str) else None
        if isinstance(logo, str):
            files.append(os.path.join(content, logo))
    inside = os.path.join(content, "")
    return [path for path in dict.fromkeys(map(os.path.normpath, files))
            if path.startswith(inside) and os.path.lexists(path)]
