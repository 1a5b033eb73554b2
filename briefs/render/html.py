"""Rendering one edition (a brief in one language) to HTML, for the web or for print."""

import string
from dataclasses import dataclass, field

from markupsafe import Markup

from briefs import i18n
from briefs.content.load import load_section, section_path
from briefs.content.pictures import picture
from briefs.errors import ContentError, ContentErrors, TemplateCallError
from briefs.kinds import KINDS, N_, label
from briefs.render import sandbox
from briefs.render.guard import guard, refuse_deep_text, refuse_large_or_deep_html
from briefs.render.list_changes import list_changes
from briefs.render.markdown_ext import EditionState, section_html
from briefs.render.pictures import EditionPictures, data_url
from briefs.render.templates import environment, use_language

MEDIA = ("print", "web")


@dataclass(frozen=True)
class RenderedSection:
    stem: str
    role: str
    html: Markup
    lang: str


@dataclass
class MadeSections:
    """An edition's sections made for one medium: their HTML, their end notes, and what
    their Markdown shares across sections (headings and note numbers)."""

    state: EditionState
    pictures: EditionPictures  # what its page shows, each showing counted
    sections: list = field(default_factory=list)  # RenderedSection, in reading order
    notes: list = field(default_factory=list)  # each section's end notes, as HTML
    list_changes: Markup = Markup("")  # how its list changed since the brief it continues


def section_labels(brief, translate):
    """The number or letter each section's title carries: 1, 2, ... and Annex A, B, ..."""
    labels, number, annexes = [], 0, 0
    for ref in brief.sections:
        if not KINDS[brief.kind].numbered or ref.role in ("about", "summary"):
            labels.append("")
        elif ref.role == "annex":
            labels.append(translate("Annex %(letter)s") % {"letter": string.ascii_uppercase[annexes]})
            annexes += 1
        else:
            number += 1
            labels.append(str(number))
    return labels


def render_sections(edition, helpers):
    """Every section of the edition made for print and for the web: {medium: MadeSections}.

    Each section's whole life (its file read, its template run, its Markdown, notes and
    pictures in both media) runs in one guard, within one budget (briefs.render.guard);
    ContentErrors lists every section's mistake. helpers: the edition's CaseHelpers, whose
    functions the sections may call.
    """
    brief, lang, project = edition.brief, edition.lang, edition.project
    translate = i18n.translations(lang).gettext
    env = sandbox.environment()
    context = sandbox.section_context(brief, lang, edition.date_style, helpers.functions())
    made = {medium: MadeSections(EditionState(print_notes=medium == "print",
                                              note_label=translate("Note %(number)s")),
                                 EditionPictures(edition, helpers.generated))
            for medium in MEDIA}
    errors = []
    for ref, label in zip(brief.sections, section_labels(brief, translate)):
        path = section_path(project, brief, ref, lang)
        try:
            with guard(path):
                section = load_section(project, brief, ref, lang)
                refuse_deep_text(section)
                helpers.section = section.path.relative_to(project.root).as_posix()
                helpers.section_lines = section.text.splitlines()
                source = sandbox.run_section(env, section, context)
                for medium in MEDIA:
                    add_section(edition, section, source, label, made[medium])
                check_notes(section, made["web"].state, helpers)
        except ContentError as error:
            errors.append(error)
        except ContentErrors as error:
            errors += error.errors
    if errors:  # a mistake in the case book is met by every section that asks: say it once
        raise ContentErrors(list({str(error): error for error in errors}.values()))
    if brief.continues:
        path = project.brief_dir(brief.id) / "brief.yaml"
        with guard(path):
            try:
                changes = list_changes(helpers)
            except TemplateCallError as error:  # a mistake in the records, or in continues
                raise ContentError(path, error.reason, field="continues",
                                   hint=error.hint) from None
        for medium in MEDIA:
            made[medium].list_changes = changes
    return made


def add_section(edition, section, source, label, made):
    """A section's Markdown (source, its calls run) made into one medium's HTML and notes,
    with its pictures, after the sections before it (made)."""
    translate = i18n.translations(edition.lang).gettext
    body, section_notes = section_html(source, made.state, label=label,
                                       prefix=f"{section.ref.stem}-",
                                       back_label=translate("Back to the text"),
                                       lang=edition.lang)
    refuse_large_or_deep_html(section.path, body + section_notes)
    body = made.pictures.clean(body, section)
    made.sections.append(RenderedSection(section.ref.stem, section.ref.role, Markup(body),
                                         section.lang))
    made.notes.append(made.pictures.clean(section_notes, section))


def check_notes(section, state, helpers):
    """Refuse a note called in the section and defined nowhere, which Markdown would print
    as written ("[^wgad]"); warn of a note defined and never called, which is not printed."""
    errors = [ContentError(section.path, f"the note [^{label}] is called but not defined",
                           line=note_line(section.text, f"[^{label}]", called=True),
                           hint=f"define it with `[^{label}]: ...` on a line of its own "
                           "(its text after the colon), or remove the reference")
              for label in state.undefined_notes]
    if errors:
        raise ContentErrors(errors)
    for label in state.unused_notes:
        line = note_line(section.text, f"[^{label}]:", called=False)
        where = f"{helpers.section}" + (f", line {line}" if line else "")
        helpers.warnings.append(f"{where}: the note [^{label}] is defined but never called, "
                                f"so it is not printed: call it with [^{label}] where it "
                                "belongs, or remove its definition")


def note_line(text, written, called):
    """The line of the section file where a note's call (called) or definition is written
    first, if it is written there rather than made by a call."""
    for number, line in enumerate(text.splitlines(), 1):
        at = line.find(written)
        while at >= 0:
            if not called or not line.startswith(":", at + len(written)):
                return number
            at = line.find(written, at + 1)
    return None


def render_edition(edition, medium, sections, published=None):
    """The complete HTML page of one edition; internal editions are marked restricted.

    sections: the edition's render_sections. published: what the web page says about its
    siblings: the PDF's pages and bytes and the card picture.
    """
    brief, lang = edition.brief, edition.lang
    env = environment(edition.project)
    use_language(env, lang)
    made = sections[medium]
    context = page_context(edition, medium)
    context["image_url"] = made.pictures.named
    context["stylesheet"] = Markup(stylesheet(edition.project, medium,
                                              released=edition.release is not None,
                                              site_url=edition.settings.site_url))
    levels = KINDS[brief.kind].contents_levels
    context.update(published or {})
    context.update(sections=made.sections, notes=Markup("".join(made.notes)),
                   list_changes=made.list_changes,
                   internal=edition.settings.internal,
                   contents=[h for h in made.state.headings if h.level in levels])
    return env.get_template(f"{brief.kind}.html").render(context)


def page_context(edition, medium):
    """Everything the page templates print, for one language and medium, but the
    pictures, which render_edition embeds."""
    brief, lang = edition.brief, edition.lang

    def text(value):
        return value[lang] if value else ""

    return {
        "brief": brief,
        "lang": lang,
        "date_style": edition.date_style,
        "medium": medium,
        "t": text,
        "organisations": edition.publishers,
        "editions": [{"lang": other, "name": i18n.language_name(other),
                      "href": edition_href(brief, other, medium, edition.settings.site_url),
                      "current": other == lang}
                     for other in brief.languages],
        "pdf_href": f"{brief.id}.{lang}.pdf",
        # where the imprint says the latest version of this PDF lives (none without site_url)
        "latest_pdf": edition_href(brief, lang, "print", edition.settings.site_url),
        "card_href": f"{brief.id}.{lang}.card.png",
        "site_url": edition.settings.site_url,
        "kind_label": label(brief),
        "pdf_pages": None,  # known once the PDF is printed: see render_edition(published=)
        "pdf_kb": None,
        "translation_notice": translation_notice(edition),
        "embargo_notice": embargo_notice(edition),
        "release": release_context(edition),
    }


def release_context(edition):
    """What a released brief's page says of its version: its document number, version,
    first publication and corrections, and every version with its address; None for a
    brief never released."""
    release, brief, lang = edition.release, edition.brief, edition.lang
    if release is None:
        return None
    site_url = edition.settings.site_url

    def address(version, extension):
        # Relative from the brief's folder; a page kept in v1/ reaches the others only
        # through the site's address, so it is used where the build has one.
        name = f"v{version}/{brief.id}.{lang}.{extension}"
        return f"{site_url}{brief.id}/{name}" if site_url else name

    return {
        "number": release.number,
        "version": release.version,
        "pending": release.pending,
        "first_published": release.first_published.date(),
        "corrections": [{"date": c.date, "note": c.note[lang]} for c in release.corrections],
        "history": [{"version": v.version, "date": v.released_at.date() if v.released_at
                     else None, "current": v.version == release.version,
                     "html": address(v.version, "html"), "pdf": address(v.version, "pdf")}
                    for v in release.history],
    }


def embargo_notice(edition):
    """What the top of an edition under embargo says: until when it may not be published."""
    embargo = edition.brief.embargo
    if not edition.settings.under_embargo(embargo):
        return ""
    translate = i18n.translations(edition.lang).gettext
    return translate("Embargoed until %(time)s") % {"time": i18n.date_and_time(embargo,
                                                                                 edition.lang)}


# What an edition made from an outdated translation says, by the language it follows.
NOTICES = {
    "en": N_("This translation follows the English text of %(date)s; the English edition "
             "has changed since."),
    "ru": N_("This translation follows the Russian text of %(date)s; the Russian edition "
             "has changed since."),
    "kk": N_("This translation follows the Kazakh text of %(date)s; the Kazakh edition "
             "has changed since."),
}


def translation_notice(edition):
    """The notice of an edition made from an outdated translation, in its language."""
    if edition.translation is None:
        return ""
    source, day = edition.translation
    translate = i18n.translations(edition.lang).gettext
    return translate(NOTICES[source]) % {"date": i18n.long_date(day, edition.lang,
                                                                edition.date_style)}


def edition_href(brief, lang, medium, site_url):
    """Where another edition is: a web page links to the page beside it; a PDF travels on
    its own (by e-mail), so it links to the other PDF at its published address, or not at
    all where the build has no site_url."""
    if medium == "web":
        return f"{brief.id}.{lang}.html"
    return f"{site_url}{brief.id}/{brief.id}.{lang}.pdf" if site_url else None


def stylesheet(project, medium, released=False, site_url=""):
    """The page's style: fonts, common rules and the medium's own. It is one text for all
    editions, so that printing parses it once per process (briefs.pdf). released: the
    page of a released brief, which adds the style of its release notice and, on the web,
    is also kept in a version's folder (v1/...), one level deeper: there it finds the fonts
    through the site's address, where the build has one (a relative second address would
    name a file outside the build from the brief's own folder)."""
    fonts = project.templates / "fonts"
    font_base = fonts.as_uri() + "/" if medium == "print" else "../assets/fonts/"
    fallback = f"{site_url}assets/fonts/" if released and site_url and medium == "web" else ""
    return environment(project).get_template("css/page.css").render(
        medium=medium, font_base=font_base, font_fallback=fallback, released=released)


def image_url(project, relative):
    """A picture named in brief.yaml or organisations.yaml (checked when they were loaded)."""
    return data_url(picture(project, project.content, relative, project.content / relative))
