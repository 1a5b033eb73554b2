"""The Jinja environment: page templates from templates/, section Markdown from content/."""

import jinja2

from briefs import i18n
from briefs.errors import TemplateCallError


def environment(project, cache=None):
    """One environment per process. Section files are addressed as 'content/<path>'.

    cache: a private folder where compiled templates are kept, keyed by their text, so that
    each of a build's jobs loads them instead of compiling them again.
    """
    loader = jinja2.ChoiceLoader([
        jinja2.FileSystemLoader(project.templates),
        jinja2.PrefixLoader({"content": jinja2.FileSystemLoader(project.content)}),
    ])
    env = jinja2.Environment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",),
                                            default_for_string=False),
        extensions=["jinja2.ext.i18n"],
        keep_trailing_newline=True,
        bytecode_cache=jinja2.FileSystemBytecodeCache(_folder(cache)) if cache else None,
    )
    env.filters["date"] = date_filter
    env.filters["join_list"] = join_filter
    env.filters["tr"] = text_filter
    env.globals["css_string"] = css_string
    env.globals["plural"] = plural_global
    return env


def _folder(path):
    path.mkdir(parents=True, exist_ok=True)
    return str(path)


def use_language(env, lang):
    """Point the i18n extension at one language's message catalogue."""
    env.install_gettext_translations(i18n.translations(lang), newstyle=True)


@jinja2.pass_context
def date_filter(context, value, case=None):
    """A date as the edition's language writes it; Kazakh text may ask for the locative
    ('2022 жылғы 24 қарашада') or the ablative ('... қарашадан') with case=."""
    text = i18n.long_date(value, context["lang"])
    if case is not None and context["lang"] == "kk":
        if case not in ("locative", "ablative"):
            raise TemplateCallError(f"unknown case '{case}' for a date",
                                    "use case='locative' or case='ablative'")
        text = i18n.kazakh_case(text, case)
    return text


@jinja2.pass_context
def plural_global(context, number, **forms):
    """'5 political prisoners': plural(n, one=..., few=..., many=..., other=...)."""
    try:
        return i18n.plural(number, context["lang"], forms)
    except KeyError as missing:
        raise TemplateCallError(
            f"plural() needs the form '{missing.args[0]}' for {number} in '{context['lang']}'",
            "give one=..., few=..., many=... or other=... as the language needs") from None


@jinja2.pass_context
def text_filter(context, value):
    """A per-language text in the edition's language."""
    return value[context["lang"]] if value else ""


@jinja2.pass_context
def join_filter(context, items):
    return i18n.joined(items, context["lang"])


def css_string(text):
    """A text as a quoted CSS string, for generated content in margin boxes."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return jinja2.filters.Markup(f'"{escaped}"')
