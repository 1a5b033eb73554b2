"""Rendering one edition (a brief in one language) to HTML, for the web or for print."""

import string
import traceback
from dataclasses import dataclass

import jinja2
from markupsafe import Markup

from briefs import i18n
from briefs.content.load import load_sections
from briefs.errors import ContentError, ContentErrors, TemplateCallError
from briefs.render.pictures import check_pictures, clean_image_url, embed_pictures
from briefs.render.markdown_ext import EditionState, section_html
from briefs.render.sanitize import clean_html
from briefs.render.templates import use_language

MEDIA = ("web", "print")
UNNUMBERED_ROLES = {"annex", "about"}
TOC_LEVELS = {"update": (2,), "report": (2, 3)}


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
        if brief.kind != "report" or ref.role in ("about", "summary"):
            labels.append("")
        elif ref.role == "annex":
            labels.append(translate("Annex %(letter)s") % {"letter": string.ascii_uppercase[annexes]})
            annexes += 1
        else:
            number += 1
            labels.append(str(number))
    return labels


def section_sources(project, env, brief, organisations, lang, cases):
    """Each section's Markdown after its Jinja step, with every template mistake found.

    cases: the edition's CaseHelpers, whose functions the sections may call.
    """
    use_language(env, lang)
    context = {"brief": brief, "lang": lang, "organisations": organisations,
               **cases.functions()}
    sources, errors = [], []
    for section in load_sections(project, brief, lang):
        try:
            sources.append((section, _section_source(project, env, section, context)))
        except ContentError as error:
            errors.append(error)
    if errors:
        raise ContentErrors(errors)
    return sources


def render_edition(project, env, brief, organisations, lang, medium, cases, internal=False,
                   published=None, sources=None):
    """The complete HTML page of one edition; internal editions are marked restricted.

    published: what the web page says about its siblings: the PDF's pages and bytes, the
    card picture, and the site's address if one is configured.
    sources: the edition's section_sources, when the other medium has already made them.
    """
    if sources is None:
        sources = section_sources(project, env, brief, organisations, lang, cases)
    state = EditionState(print_notes=medium == "print")
    sections, notes = [], []
    translate = i18n.translations(lang).gettext
    labels = section_labels(brief, translate)
    for (section, source), label in zip(sources, labels):
        body, section_notes = section_html(source, state, label=label,
                                           prefix=f"{section.ref.stem}-",
                                           back_label=translate("Back to the text"))
        where = (project.content, section.path.parent, section.path, source, cases.generated)
        check_pictures(body, *where)
        body = embed_pictures(clean_html(body), *where)
        section_notes = clean_html(section_notes)
        sections.append(RenderedSection(section.ref.stem, section.ref.role, Markup(body),
                                        section.lang))
        notes.append(section_notes)
    context = page_context(project, brief, organisations, lang, medium)
    context["stylesheet"] = Markup(stylesheet(project, env, medium))
    levels = TOC_LEVELS.get(brief.kind, ())
    context.update(published or {})
    context.update(sections=sections, notes=Markup("".join(notes)), internal=internal,
                   contents=[h for h in state.headings if h.level in levels])
    return env.get_template(f"{brief.kind}.html").render(context)


def _section_source(project, env, section, context):
    """Run a section file through Jinja, turning template mistakes into content errors."""
    name = "content/" + section.path.relative_to(project.content).as_posix()
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as error:
        raise ContentError(section.path, f"template syntax error: {error.message}",
                           line=error.lineno,
                           hint="check the {{ ... }} and {% ... %} parts of this line") from None
    except TemplateCallError as error:
        raise ContentError(section.path, error.reason, line=_template_line(error, section.path),
                           hint=error.hint) from None
    except jinja2.UndefinedError as error:
        raise ContentError(section.path, f"unknown name in a template: {error.message}",
                           line=_template_line(error, section.path),
                           hint="check the spelling; write {{ '{{' }} for a literal '{{'") from None


def _template_line(error, path):
    lines = [frame.lineno for frame in traceback.extract_tb(error.__traceback__)
             if frame.filename == str(path)]
    return lines[-1] if lines else None


def page_context(project, brief, organisations, lang, medium):
    """Everything the page templates print, for one language and medium."""
    def text(value):
        return value[lang] if value else ""

    return {
        "brief": brief,
        "lang": lang,
        "medium": medium,
        "t": text,
        "organisations": [organisations[key] for key in brief.organisations],
        # A printed edition points to the other editions' PDFs, a web page to their pages.
        "editions": [{"lang": other, "name": i18n.language_name(other),
                      "href": f"{brief.id}.{other}.{'pdf' if medium == 'print' else 'html'}",
                      "current": other == lang}
                     for other in brief.languages],
        "pdf_href": f"{brief.id}.{lang}.pdf",
        "card_href": f"{brief.id}.{lang}.card.png",
        "site_url": "",
        "pdf_pages": None,  # known once the PDF is printed: see render_edition(published=)
        "pdf_kb": None,
        "image_url": lambda relative: image_url(project, relative),
    }


def stylesheet(project, env, medium):
    """The page's style: fonts, common rules and the medium's own. It is one text for all
    editions, so that printing parses it once (briefs.pdf) and a worker before any job."""
    fonts = project.templates / "fonts"
    font_base = fonts.as_uri() + "/" if medium == "print" else "../assets/fonts/"
    return env.get_template("css/page.css").render(medium=medium, font_base=font_base)


def image_url(project, relative):
    """A picture named in brief.yaml or organisations.yaml (checked when they were loaded)."""
    return clean_image_url(project.content / relative)
