"""Loading a content tree: briefs, their sections and the organisations, validated."""

import re
import typing
from dataclasses import dataclass
from pathlib import Path

import pydantic

from briefs.errors import ContentError, ContentErrors, did_you_mean
from briefs.content.characters import refuse_invisible_in_section
from briefs.content.model import (BRIEF_ID, NUMBER_HINT, Brief, Organisation, kind_problems,
                                  missing_translations, number_pattern_problem)
from briefs.content.pictures import picture
from briefs.content.yamlfile import load_mapping, shorten


@dataclass(frozen=True)
class Section:
    ref: object
    path: Path
    text: str
    lang: str  # the language of the text: English where it is marked untranslated


def validation_errors(document, model, extra=None):
    """Validate a YAML document against a pydantic model; one ContentError per problem."""
    validated, problems = validation_problems(document, model, extra)
    return validated, [document.error(*problem) for problem in problems]


def validation_problems(document, model, extra=None):
    """Validate a YAML document against a pydantic model: the model, or None and a
    (field path, reason, hint) for each problem."""
    try:
        return model.model_validate({**document.data, **(extra or {})}), []
    except pydantic.ValidationError as error:
        return None, [_problem(model, e) for e in error.errors()]


HINTS = {
    "missing": "add it (the fields of each file are described in docs/content.md and "
               "docs/cases.md)",
    "extra_forbidden": "check its spelling, or remove it",
    "literal_error": "use one of the values listed",
    "date_from_datetime_parsing": "write the date as YYYY-MM-DD, e.g. 2023-04-25",
    "date_parsing": "write the date as YYYY-MM-DD, e.g. 2023-04-25",
    "date_type": "write the date as YYYY-MM-DD, e.g. 2023-04-25",
    "string_pattern_mismatch": "write a full web address starting with https://",
    "too_short": "give at least one entry",
    "dict_type": "give one line per language, e.g. 'en: ...'",
    "list_type": "write a list, e.g. [en, ru] or one '- ' line per entry",
    "string_type": "write a text; put it in quotes if it looks like a number or a date",
}


def known_fields(model, path):
    """The field names of the part of a model that a path leads to."""
    for key in path:
        if isinstance(key, int) or model is None:
            continue
        info = model.model_fields.get(str(key))
        model = _model_in(info.annotation) if info else None
    return list(model.model_fields) if model else []


def _model_in(annotation):
    """The pydantic model a field holds, directly or as items of a list or union."""
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return annotation
    for argument in typing.get_args(annotation):
        found = _model_in(argument)
        if found:
            return found
    return None


def _suggesting(suggestion, hint):
    return f"{suggestion}{hint[:1].upper()}{hint[1:]}" if suggestion else hint


def _problem(model, error):
    path = tuple(p for p in error["loc"] if not str(p).startswith("function-"))
    reason = error["msg"].removeprefix("Value error, ")
    hint = HINTS.get(error["type"])
    if error["type"] == "missing":
        reason = "this field is required"
    elif error["type"] == "extra_forbidden":
        reason = "this field is not known"
        hint = _suggesting(did_you_mean(path[-1], known_fields(model, path[:-1])), hint)
    elif error["type"] == "literal_error":
        reason = f"{reason}, found {shorten(error['input'])!r}"
        choices = re.findall(r"'([^']*)'", error["ctx"]["expected"])
        hint = _suggesting(did_you_mean(error["input"], choices), hint)
    return path, reason, hint


def load_organisations(project):
    path = project.content / "organisations.yaml"
    if not project.exists(path):
        raise ContentError(path, "the file is missing",
                           hint="create it with one entry per organisation (docs/content.md)")
    document = load_mapping(project, path)
    organisations, errors = {}, []
    for key in document.data:
        sub = document.sub(key)
        organisation, problems = validation_errors(sub, Organisation)
        if organisation and organisation.document_numbers:
            reason = number_pattern_problem(organisation.document_numbers)
            if reason:
                problems.append(sub.error(("document_numbers",), reason, NUMBER_HINT))
        if organisation and organisation.logo:
            problems += _picture_problems(project, document, (key, "logo"), organisation.logo)
        for problem in problems:
            problem.field = f"{key}.{problem.field}" if problem.field else key
        errors.extend(problems)
        if organisation:
            organisations[key] = organisation
    if errors:
        raise ContentErrors(errors)
    return organisations


def load_brief(project, brief_id, organisations):
    """Read and validate one brief.yaml; raise ContentErrors listing every problem."""
    path = project.brief_dir(brief_id) / "brief.yaml"
    if not BRIEF_ID.match(brief_id):
        raise ContentError(project.brief_dir(brief_id), f"'{brief_id}' is not a valid brief id",
                           hint="rename the folder with lower-case letters, digits and hyphens")
    document = load_mapping(project, path)
    brief, errors = validation_errors(document, Brief, {"id": brief_id})
    if brief is not None:
        errors = _brief_problems(project, document, brief, organisations)
    errors += _yaml_placeholders(document, document.data)
    if errors:
        raise ContentErrors(errors)
    return brief


def _picture_problems(project, document, field_path, reference):
    """A picture named in a YAML file must be a JPEG, PNG or SVG file under content/."""
    try:
        picture(project, project.content, reference, document.path,
                line=document.line_of(field_path))
        return []
    except ContentError as error:
        error.field = ".".join(field_path)
        return [error]


def _brief_problems(project, document, brief, organisations):
    def error(field_path, reason, hint=None):
        return document.error(field_path, reason, hint)

    errors = [error(p, r, h) for p, r, h in kind_problems(brief)]
    for field_path, lang in missing_translations(brief, brief.languages):
        errors.append(error(field_path, f"the text in '{lang}' is missing",
                            f"add a line '{lang}: ...' under this field"))
    if brief.photo:
        errors += _picture_problems(project, document, ("photo", "file"), brief.photo.file)
    if brief.continues is not None:
        errors += _continues_problems(project, document, brief)
    for index, key in enumerate(brief.organisations):
        if key not in organisations:
            errors.append(error(("organisations", index), f"unknown organisation '{key}'",
                                f"{did_you_mean(key, organisations)}Use one of: "
                                f"{', '.join(sorted(organisations))}, or add it to "
                                "content/organisations.yaml"))
    return errors


def _continues_problems(project, document, brief):
    """A brief continues the list of another brief of the project, if it lists people as
    of a date (a report or update)."""
    reason = None
    if brief.kind not in ("report", "update"):
        reason = (f"a {brief.kind} has no list of people as of a date to continue",
                  "remove 'continues', or make the brief a report or update")
    elif brief.continues == brief.id:
        reason = "a brief cannot continue itself", "name the brief whose list this follows"
    elif not BRIEF_ID.match(brief.continues) or not project.exists(
            project.brief_dir(brief.continues) / "brief.yaml"):
        reason = (f"there is no brief '{shorten(brief.continues)}'",
                  "give the id of a brief of content/briefs, its folder's name")
    return [document.error(("continues",), *reason)] if reason else []


def section_path(project, brief, ref, lang):
    """Where the text of one of the brief's sections in lang is."""
    return project.section_path(brief.id, ref, _text_language(brief, ref, lang))


def _text_language(brief, ref, lang):
    """The source language where the section is marked untranslated in lang."""
    return brief.source if lang in ref.untranslated else lang


def load_section(project, brief, ref, lang):
    """One of the brief's section files in one language, with no placeholder or invisible
    character left in it."""
    path = section_path(project, brief, ref, lang)
    if not project.exists(path):
        raise ContentError(path, "the section file is missing",
                           hint=f"write it, or remove '{ref.stem}' from 'sections' in brief.yaml")
    text = project.read_text(path, "section")
    refuse_invisible_in_section(path, text)
    errors = [ContentError(path, _placeholder_reason(found), line=line, hint=PLACEHOLDER_HINT)
              for line, found in placeholders_in(text)]
    if errors:
        raise ContentErrors(errors)
    return Section(ref, path, text, _text_language(brief, ref, lang))


# What `briefs new` writes where the editor's own text goes: [[like this]].
PLACEHOLDER = re.compile(r"\[\[[^\[\]\n]{1,200}\]\]")
PLACEHOLDER_HINT = "replace it with your own text, or remove it"


def placeholders_in(text):
    """(line, placeholder) for each placeholder left in a text."""
    return [(text.count("\n", 0, match.start()) + 1, match.group())
            for match in PLACEHOLDER.finditer(text)]


def _placeholder_reason(found):
    return f"this still holds the placeholder {shorten(found)} that 'briefs new' wrote"


def _yaml_placeholders(document, data, path=()):
    """ContentErrors for the placeholders left in a YAML document's texts."""
    if isinstance(data, dict):
        return [e for key, value in data.items()
                for e in _yaml_placeholders(document, value, path + (key,))]
    if isinstance(data, list):
        return [e for index, value in enumerate(data)
                for e in _yaml_placeholders(document, value, path + (index,))]
    if isinstance(data, str) and PLACEHOLDER.search(data):
        return [document.error(path, _placeholder_reason(PLACEHOLDER.search(data).group()),
                               PLACEHOLDER_HINT)]
    return []
