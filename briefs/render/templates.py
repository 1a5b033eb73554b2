"""The page templates' environment: templates/ read as project files, never through links.

Page templates are the project's own code (base.html, a template per kind, partials and
CSS), unlike sections, which run in the sandbox (briefs.render.sandbox).
"""

import functools
import re

import jinja2
from markupsafe import Markup, escape

from briefs import i18n
from briefs.render import no_break
from briefs.render.sandbox import date_filter


class ProjectLoader(jinja2.BaseLoader):
    """Templates under templates/, read with the project's checks; a template is up to
    date while its text is unchanged."""

    def __init__(self, project):
        self.project = project

    def get_source(self, environment, template):
        path = self.project.templates / template
        if not self.project.exists(path):
            raise jinja2.TemplateNotFound(template)
        text = self.project.read_text(path, "template")
        return text, str(path), lambda: self._unchanged(path, text)

    def _unchanged(self, path, text):
        try:
            return self.project.read_text(path, "template") == text
        except Exception:
            return False


@functools.cache
def environment(project):
    """One environment per project and process."""
    env = jinja2.Environment(
        loader=ProjectLoader(project),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",),
                                            default_for_string=False),
        extensions=["jinja2.ext.i18n"],
        keep_trailing_newline=True,
    )
    env.filters["date"] = date_filter
    env.filters["join_list"] = join_filter
    env.filters["publishers"] = publishers_filter
    env.filters["tr"] = text_filter
    env.filters["website"] = website_link
    env.filters["contact"] = contact_links
    env.filters["heading"] = heading_filter
    env.filters["unbroken"] = unbroken_filter
    env.filters["nobreak"] = nobreak_filter
    env.globals["css_string"] = css_string
    return env


def use_language(env, lang):
    """Point the i18n extension at one language's message catalogue."""
    env.install_gettext_translations(i18n.translations(lang), newstyle=True)


@jinja2.pass_context
def text_filter(context, value):
    """A per-language text in the edition's language."""
    return value[context["lang"]] if value else ""


@jinja2.pass_context
def join_filter(context, items):
    return i18n.joined(items, context["lang"])


@jinja2.pass_context
def publishers_filter(context, organisations):
    """The publishers' names as the language lists them, each followed by its own website:
    one website after two names reads as both publishers'."""
    named = [escape(text_filter(context, organisation.name))
             + (Markup(" ({})").format(website_link(organisation.website))
                if organisation.website else "")
             for organisation in organisations]
    return Markup(i18n.joined(named, context["lang"]))


# An address to make a link of: a web address, or an e-mail address (mailto:).
ADDRESS = re.compile(r"(?P<url>https?://[^\s,;()<>]*[^\s,;()<>.])|(?P<email>[\w.+-]+@[\w-]+(\.[\w-]+)+)")


def website_link(url):
    """A web site as a link that reads as its address without the scheme: it works
    wherever the PDF travels."""
    if not url:
        return ""
    shown = re.sub(r"^https?://", "", url).rstrip("/")
    return Markup('<a href="{}">{}</a>').format(url, breakable_address(shown))


# Where a printed address may break: after a slash within it, or before a dot but the
# last of its host (".org" alone on a line reads as a stray word).
ADDRESS_BREAK = re.compile(r"(?<=[^/]/)(?=[^/])|(?<=.)(?=\.[^./\s]*\.)")


# An address this short fits any line of a column: it is never broken, but moves whole.
SHORT_ADDRESS = 32


def breakable_address(address):
    """An address in pieces that a line never breaks inside, with a break allowed after a
    slash or before a dot in a long one: a line broken at one of its own hyphens
    ("sarap-/monitoring") leaves the reader unsure whether the hyphen belongs to it."""
    pieces = ([address] if len(address) <= SHORT_ADDRESS else
              [piece for piece in ADDRESS_BREAK.split(address) if piece])
    return Markup("<wbr>").join(Markup('<span class="address-part">{}</span>').format(piece)
                                for piece in pieces)


def contact_links(text):
    """Contact text with its e-mail and web addresses made links."""
    parts, last = [], 0
    for match in ADDRESS.finditer(text or ""):
        href = match["url"] or f"mailto:{match['email']}"
        parts += [escape(text[last:match.start()]),
                  Markup('<a href="{}">{}</a>').format(href, breakable_address(match.group()))]
        last = match.end()
    return Markup("").join([*parts, escape((text or "")[last:])])


def heading_filter(text):
    """A title whose last line never holds a single word: its last two words are kept on one
    line, which also keeps a name at a title's end whole ("free Karim Massimov"). They keep
    their plain space, so that the PDF's bookmark and a copied title read as written, in
    a box that wraps only where a line is too narrow for both (a phone)."""
    words = (text or "").rsplit(" ", 2)
    if len(words) < 3 or len(words[1]) + len(words[2]) > 24:
        return text
    return Markup('{} <span class="title-end">{} {}</span>').format(*words)


def unbroken_filter(text):
    """A text never broken over two lines, such as a document number ("KIBHR/2023/004"),
    which a line may otherwise break after its slashes."""
    return Markup('<span class="unbroken">{}</span>').format(text)


@jinja2.pass_context
def nobreak_filter(context, text):
    """A text of brief.yaml whose numbers keep their words and honorifics their names
    (briefs.render.no_break)."""
    return no_break.bind(text, context["lang"])


def css_string(text):
    """A text as a quoted CSS string, for generated content in margin boxes."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return jinja2.filters.Markup(f'"{escaped}"')
