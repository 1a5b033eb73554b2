"""Rendering one edition (a brief in one language) to HTML, for the web or for print."""

import string
from dataclasses import dataclass

from markupsafe import Markup

from briefs import i18n
from briefs.content.load import load_sections
from briefs.content.pictures import picture
from briefs.errors import ContentError, ContentErrors
from briefs.kinds import KINDS, N_, label
from briefs.render import sandbox
from briefs.render.markdown_ext import EditionState, section_html
from briefs.render.pictures import EditionPictures, data_url
from briefs.render.templates import environment, use_language

@dataclass(frozen=True)
class RenderedSection:
    stem: str
    role: str
    html: Markup
    lang: str


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


def section_sources(edition, helpers):
    """Each section's Markdown after its calls have run, with every mistake found.

    helpers: the edition's CaseHelpers, whose functions the sections may call.
    """
    env = sandbox.environment()
    context = sandbox.section_context(edition.brief, edition.lang, edition.date_style,
                                      helpers.functions())
    sources, errors = [], []
    for section in load_sections(edition.project, edition.brief, edition.lang):
        helpers.section = section.path.relative_to(edition.project.root).as_posix()
        try:
            sources.append((section, sandbox.run_section(env, section, context)))
        except ContentError as error:
            errors.append(error)
    if errors:
        raise ContentErrors(errors)
    return sources


def render_edition(edition, medium, helpers, sources, published=None):
    """The complete HTML page of one edition; internal editions are marked restricted.

    sources: the edition's section_sources. published: what the web page says about its
    siblings: the PDF's pages and bytes and the card picture.
    """
    brief, lang = edition.brief, edition.lang
    env = environment(edition.project)
    use_language(env, lang)
    translate = i18n.translations(lang).gettext
    state = EditionState(print_notes=medium == "print", note_label=translate("Note %(number)s"))
    sections, notes = [], []
    labels = section_labels(brief, translate)
    pictures = EditionPictures(edition, helpers.generated)
    for (section, source), label in zip(sources, labels):
        body, section_notes = section_html(source, state, label=label,
                                           prefix=f"{section.ref.stem}-",
                                           back_label=translate("Back to the text"))
        body = pictures.clean(body, section)
        sections.append(RenderedSection(section.ref.stem, section.ref.role, Markup(body),
                                        section.lang))
        notes.append(pictures.clean(section_notes, section))
    context = page_context(edition, medium)
    context["image_url"] = pictures.named
    context["stylesheet"] = Markup(stylesheet(edition.project, medium))
    levels = KINDS[brief.kind].contents_levels
    context.update(published or {})
    context.update(sections=sections, notes=Markup("".join(notes)),
                   internal=edition.settings.internal,
                   contents=[h for h in state.headings if h.level in levels])
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
    }


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
    return translate(NOTICES[source]) % {"date": i18n.long_date(day, edition.lang)}


def edition_href(brief, lang, medium, site_url):
    """Where another edition is: a web page links to the page beside it; a PDF travels on
    its own (by e-mail), so it links to the other PDF at its published address, or not at
    all where the build has no site_url."""
    if medium == "web":
        return f"{brief.id}.{lang}.html"
    return f"{site_url}{brief.id}/{brief.id}.{lang}.pdf" if site_url else None


def stylesheet(project, medium):
    """The page's style: fonts, common rules and the medium's own. It is one text for all
    editions, so that printing parses it once per process (briefs.pdf)."""
    fonts = project.templates / "fonts"
    font_base = fonts.as_uri() + "/" if medium == "print" else "../assets/fonts/"
    return environment(project).get_template("css/page.css").render(medium=medium,
                                                                     font_base=font_base)


def image_url(project, relative):
    """A picture named in brief.yaml or organisations.yaml (checked when they were loaded)."""
    return data_url(picture(project, project.content, relative, project.content / relative))
