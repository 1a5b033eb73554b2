"""The section language: Markdown with a few documented calls, run in Jinja's sandbox.

A section is text, not a program. Before it runs, its template is read and checked: it may
print expressions ({{ ... }}) and choose text with {% if %}; an expression may use
literals, the fields of `brief`, the documented functions and filters, comparisons and
arithmetic. Loops, variables, macros, blocks and anything that reads another file
(include, import, extends) are refused with a message naming the line. It then runs in
Jinja's immutable sandbox, which may call only the documented functions, bounds what
arithmetic can make, and stops a section whose text grows past a limit. Its time and
memory are bounded by the guard around the section's whole life (briefs.render.guard). See
docs/content.md, "What a section can use".
"""

import inspect
import math

import jinja2
from jinja2 import nodes
from jinja2.parser import Parser
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from briefs import i18n
from briefs.content.yamlfile import shorten
from briefs.errors import ContentError, TemplateCallError
from briefs.render import no_break

MAX_OUTPUT = 5 * 1024 * 1024  # characters a section may make, case tables included
MAX_NUMBER = 10 ** 12
MAX_DIGITS = 30  # characters of a number written in {{ ... }}
MAX_NESTING = 100  # expressions inside one another: checking and compiling recurse into each
STATEMENTS = {nodes.Output: "text", nodes.If: "{% if %}"}
EXPRESSIONS = (nodes.TemplateData, nodes.Const, nodes.Name, nodes.Getattr, nodes.Getitem,
               nodes.Call, nodes.Filter, nodes.Test, nodes.Compare, nodes.Operand, nodes.And,
               nodes.Or, nodes.Not, nodes.Neg, nodes.Pos, nodes.Add, nodes.Sub, nodes.Mul,
               nodes.Div, nodes.FloorDiv, nodes.Mod, nodes.Pow, nodes.Concat, nodes.CondExpr,
               nodes.List, nodes.Tuple, nodes.Keyword)
TESTS = ("defined", "undefined", "none", "number", "string", "odd", "even", "divisibleby",
         "eq", "ne", "lt", "le", "gt", "ge", "in")
FILTERS = ("upper", "lower", "capitalize", "title", "trim", "default", "round", "length")
CHECK_DOCS = "see docs/content.md, 'What a section can use'"


class SectionFunction:
    """A function a section may call: a plain function returning a plain value, checked
    against its parameters before it runs, so that a wrong call gets a clear message."""

    def __init__(self, name, function, usage):
        self.name, self._function, self.usage = name, function, usage
        self._signature = inspect.signature(function)

    def __call__(self, *args, **kwargs):
        try:
            self._signature.bind(*args, **kwargs)
        except TypeError as error:
            raise TemplateCallError(f"{self.name}() was called with the wrong arguments "
                                    f"({error})", f"write it as {self.usage}") from None
        return self._function(*args, **kwargs)


class SectionEnvironment(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox that may call only SectionFunctions and bounds arithmetic."""

    intercepted_binops = frozenset({"*", "**", "%", "/", "//", "+", "-"})

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's signature)
        if not isinstance(__obj, SectionFunction):
            raise SecurityError("only the documented functions can be called")
        return __context.call(__obj, *args, **kwargs)

    def call_binop(self, context, operator, left, right):
        if operator in ("*", "**", "%") and not all(_is_number(v) for v in (left, right)):
            raise TemplateCallError(f"'{operator}' works on numbers only here",
                                    "write the text out instead")
        if operator == "**" and (abs(right) > 64 or abs(left) > MAX_NUMBER):
            raise TemplateCallError("this power is too large", "use smaller numbers")
        result = super().call_binop(context, operator, left, right)
        if _is_number(result) and abs(result) > MAX_NUMBER ** 2:
            raise TemplateCallError("this calculation makes too large a number",
                                    "use smaller numbers")
        return result


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def environment():
    """The sections' environment: one per process, holding only the documented filters."""
    env = SectionEnvironment(undefined=jinja2.StrictUndefined, autoescape=False,
                             keep_trailing_newline=True)
    env.globals.clear()
    builtin_filters, builtin_tests = env.filters, env.tests
    env.filters = {name: builtin_filters[name] for name in FILTERS}
    env.filters["date"] = date_filter
    env.tests = {name: builtin_tests[name] for name in TESTS}
    return env


def run_section(env, section, context):
    """The section's text after its calls have run; ContentError naming file and line for
    any mistake it makes. context: the names it may use (section_context)."""
    path = section.path
    tree = _parse(env, section)
    _check(tree, path, context)
    template = env.template_class.from_code(
        env, env.compile(tree, filename=str(path)), env.make_globals(None))
    try:
        return _bounded(template.generate(context), path)
    except ContentError:
        raise
    except TemplateCallError as error:
        raise ContentError(path, error.reason, line=line_in(error, path),
                           hint=error.hint) from None
    except jinja2.UndefinedError as error:
        raise ContentError(path, f"unknown name in a template: {error.message}",
                           line=line_in(error, path),
                           hint=f"check the spelling; {CHECK_DOCS}") from None
    except SecurityError as error:
        raise ContentError(path, f"this is not allowed in a section: {error}",
                           line=line_in(error, path), hint=CHECK_DOCS) from None
    except ZeroDivisionError as error:
        raise ContentError(path, "a division by zero", line=line_in(error, path),
                           hint="check the numbers of this calculation") from None
    except (TypeError, ValueError, ArithmeticError) as error:
        raise ContentError(path, f"this expression cannot be worked out "
                           f"({shorten(str(error), 100)})", line=line_in(error, path),
                           hint="check the values it uses: a text and a number cannot be "
                           "added, for example") from None


def _parse(env, section):
    """The section's template, parsed; its numbers and nesting checked first, as Jinja
    cannot read the one nor compile the other."""
    path = section.path
    parser = Parser(env, section.text, filename=str(path))
    try:
        _check_numbers(env, section.text, path)
        tree = parser.parse()
    except jinja2.TemplateSyntaxError as error:
        raise ContentError(path, f"template syntax error: {error.message}", line=error.lineno,
                           hint="check the {{ ... }} and {% ... %} parts of this line") from None
    except RecursionError:
        raise ContentError(path, "an expression is nested too deeply",
                           line=parser.stream.current.lineno,
                           hint="write it more simply") from None
    _check_nesting(tree, path)
    return tree


def _check_numbers(env, text, path):
    """Refuse a number Jinja cannot read (Python reads integers of at most 4,300 digits) or
    would compile wrongly (a float too large becomes the unknown name 'inf')."""
    for line, token, value in env.lexer.tokeniter(text, None, str(path)):
        if token in ("integer", "float") and (
                len(value) > MAX_DIGITS
                or token == "float" and math.isinf(float(value.replace("_", "")))):
            raise ContentError(path, f"the number {shorten(value, 40)} is too large for a "
                               "section", line=line, hint=f"write numbers of at most "
                               f"{MAX_DIGITS} digits, and no larger than 1e308")


def _check_nesting(tree, path):
    """Refuse expressions nested more deeply than MAX_NESTING, without recursing."""
    waiting = [(node, 1) for node in tree.body]
    while waiting:
        node, depth = waiting.pop()
        if depth > MAX_NESTING:
            raise ContentError(path, "an expression is nested too deeply", line=node.lineno,
                               hint="write it more simply")
        waiting.extend((child, depth + 1) for child in node.iter_child_nodes())


def _bounded(chunks, path):
    text, size = [], 0
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_OUTPUT:
            raise ContentError(path, f"this section's text grows past {MAX_OUTPUT // 1048576} "
                               "million characters", hint="ask for less: split it, or call "
                               "fewer functions")
        text.append(chunk)
    return "".join(text)


def _check(tree, path, context):
    """Refuse every construct a section may not use, naming its line."""
    for node in tree.body:
        _check_statement(node, path, context)


def _check_statement(node, path, context):
    if type(node) not in STATEMENTS:
        raise _refused(node, path, _construct(node))
    for child in node.iter_child_nodes():
        if isinstance(child, nodes.Stmt):
            _check_statement(child, path, context)
        else:
            _check_expression(child, path, context)


def _check_expression(node, path, context):
    if not isinstance(node, EXPRESSIONS):
        raise _refused(node, path, _construct(node))
    if isinstance(node, nodes.Name) and node.name not in context:
        raise ContentError(path, f"unknown name in a template: '{shorten(node.name)}' is "
                           "undefined",
                           line=node.lineno, hint=f"check the spelling; {CHECK_DOCS}")
    if isinstance(node, nodes.Call) and (
            not isinstance(node.node, nodes.Name)
            or not isinstance(context.get(node.node.name), SectionFunction)
            or node.dyn_args or node.dyn_kwargs):
        raise _refused(node, path, "calling this")
    if isinstance(node, (nodes.Getattr, nodes.Getitem)) and str(_attribute(node)).startswith("_"):
        raise _refused(node, path, "a name that starts with '_'")
    if isinstance(node, nodes.Filter) and node.name not in FILTERS + ("date",):
        raise _refused(node, path, f"the filter '{node.name}'")
    if isinstance(node, nodes.Test) and node.name not in TESTS:
        raise _refused(node, path, f"the test '{node.name}'")
    for child in node.iter_child_nodes():
        if isinstance(child, nodes.Stmt):
            raise _refused(child, path, _construct(child))
        _check_expression(child, path, context)


def _attribute(node):
    """The name an attribute or item access asks for: brief.x, brief['x']."""
    if isinstance(node, nodes.Getattr):
        return node.attr
    return node.arg.value if isinstance(node.arg, nodes.Const) else ""


def _construct(node):
    names = {nodes.For: "{% for %}", nodes.Assign: "{% set %}", nodes.AssignBlock: "{% set %}",
             nodes.Macro: "{% macro %}", nodes.CallBlock: "{% call %}",
             nodes.Include: "{% include %}", nodes.Import: "{% import %}",
             nodes.FromImport: "{% from ... import %}", nodes.Extends: "{% extends %}",
             nodes.Block: "{% block %}", nodes.With: "{% with %}",
             nodes.FilterBlock: "{% filter %}"}
    return names.get(type(node), f"'{type(node).__name__}'")


def _refused(node, path, what):
    return ContentError(path, f"{what} is not allowed in a section: a section is text with "
                        "a few documented calls", line=getattr(node, "lineno", None),
                        hint=CHECK_DOCS)


def calling_line():
    """The line of the section whose template is making the call that runs now, if any."""
    frame = inspect.currentframe()
    while frame is not None:
        template = frame.f_globals.get("__jinja_template__")
        if template is not None:
            return template.get_corresponding_lineno(frame.f_lineno)
        frame = frame.f_back
    return None


def line_in(error, path):
    """The line of the section file the innermost frame of error's traceback ran, if any."""
    frames = inspect.getinnerframes(error.__traceback__, 0) if error.__traceback__ else []
    lines = [frame.lineno for frame in frames if frame.filename == str(path)]
    return lines[-1] if lines else None


@jinja2.pass_context
def date_filter(context, value, case=None):
    """A date as the edition's language writes it; Kazakh text may ask for the locative
    ('2022 жылғы 24 қарашада') or the ablative ('... қарашадан') with case=."""
    if not hasattr(value, "isoformat"):
        raise TemplateCallError(f"'date' needs a date, not {shorten(value)!r}",
                                "write for example {{ brief.date | date }}")
    text = i18n.long_date(value, context["lang"], context.get("date_style", "long"))
    if case is not None and context["lang"] == "kk":
        if case not in ("locative", "ablative"):
            raise TemplateCallError(f"unknown case '{shorten(case)}' for a date",
                                    "use case='locative' or case='ablative'")
        text = i18n.kazakh_case(text, case)
    return no_break.bind(text, context["lang"])  # "24 November": a day keeps its month


def plural_function(lang):
    """plural(n, one=..., few=..., many=..., other=...): '5 political prisoners'."""
    def plural(number, **forms):
        if not _is_number(number):
            raise TemplateCallError(f"plural() needs a number first, not {shorten(number)!r}",
                                    "write for example plural(count(status=\"held\"), "
                                    "one=\"prisoner\", other=\"prisoners\")")
        try:
            return i18n.plural(number, lang, forms)
        except KeyError as missing:
            raise TemplateCallError(
                f"plural() needs the form '{missing.args[0]}' for {number} in '{lang}'",
                "give one=..., few=..., many=... or other=... as the language needs") from None

    return SectionFunction("plural", plural, 'plural(number, one="...", other="...")')


def section_context(brief, lang, date_style, functions):
    """The names a section may use: `brief` (its plain fields), `lang` and functions;
    date_style, how `date` writes dates."""
    def text(value):
        return value.get(lang, "") if value else ""

    fields = {"id": brief.id, "kind": brief.kind, "date": brief.date, "lang": lang,
              "data_date": brief.data_date, "languages": list(brief.languages),
              "title": text(brief.title), "place": text(brief.place),
              "period": {"start": brief.period.start, "end": brief.period.end}
              if brief.period else None, "as_of": brief.as_of}
    return {"brief": fields, "lang": lang, "date_style": date_style,
            "plural": plural_function(lang), **functions}
