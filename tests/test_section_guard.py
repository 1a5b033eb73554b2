"""No section can crash or hang the tools: each one's whole life (reading, its template,
Markdown, notes, pictures) runs in one guard within one budget, and whatever goes wrong is
a message naming its file, in `briefs check`, in the build's jobs and in the preview's."""

import io
import operator

import pytest
from PIL import Image
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefs.errors import ContentError, ContentErrors
from briefs.render import guard
from briefs.render.helpers import CaseHelpers
from briefs.render.html import render_sections
from briefs.settings import Settings
from briefs.workflow.requests import BuildEdition

import conftest
from conftest import job_refusal, refusal, run_snakemake

NESTED = "this section is nested too deeply to be made"
# name: (section text, what the message says, the line it names or None)
CRASHES = {  # each of these ended in a traceback before
    "integer-of-5001-digits": ("{{ " + "1" * 5001 + " }}\n", "is too large for a section", 3),
    "integer-of-31-digits": ("{{ 1 + " + "9" * 31 + " }}\n", "is too large for a section", 3),
    "hex-integer-too-long": ("{{ 0x" + "f" * 40 + " }}\n", "is too large for a section", 3),
    "600-unary-minus": ("{{ " + "-" * 600 + "1 }}\n", "an expression is nested too deeply", 3),
    "600-not": ("{{ " + "not " * 600 + "1 }}\n", "an expression is nested too deeply", 3),
    "5000-unary-minus": ("{{ 1 +\n" + "-" * 5000 + "1 }}\n", "an expression is nested too "
                         "deeply", 4),
    "2000-parentheses": ("{{ " + "(" * 2000 + "1" + ")" * 2000 + " }}\n",
                         "an expression is nested too deeply", 3),
    "infinity-minus-infinity": ("{{ 1e400 - 1e400 }}\n", "the number 1e400 is too large", 3),
    "negative-infinity": ("{{ count() * -1e999 }}\n", "the number 1e999 is too large", 3),
    "chart-after-the-data": ('{{ chart_held_over_time(since="2099-01-01") }}\n',
                             "the chart cannot start on 2099-01-01, after the brief's data "
                             "date (2023-04-25)", 3),
    "20000-nested-stars": ("*" * 20000 + "a" + "*" * 20000 + "\n", NESTED, None),
    "300-nested-underscores": ("_" * 300 + "a" + "_" * 300 + "\n", "this section's HTML has "
                               "elements nested more than 50 deep", None),
    "800-nested-markdown-divs": ('<div markdown="1">\n\n' * 800 + "x\n\n" + "</div>\n\n" * 800,
                                 "HTML elements are nested more than 50 deep", 103),
    "divs-closed-by-the-wrong-tag": ("<div></span>" * 40_000 + "\n",
                                     "HTML elements are nested more than 50 deep", 3),
    "2000-nested-quotes": (">" * 2000 + " a\n", "this section's HTML has elements nested "
                           "more than 50 deep", None),
    "300-nested-list-items": ("".join("  " * level + "- a\n" for level in range(300)), NESTED,
                              None),
}


def write_section(project, text, brief_id="test-statement", stem="body"):
    """Put text after a first line of a section of the fixture content."""
    path = project.brief_dir(brief_id) / f"{stem}.en.md"
    path.write_text("Text.\n\n" + text, encoding="utf-8")
    return path



def refusals(project, capsys, tmp_path):
    """What `briefs check`, the brief's job and the preview's job say, one after another."""
    yield refusal(project, capsys, "check")
    yield refusal(project, capsys, "brief", "test-statement", "--out", str(tmp_path / "out"))
    yield job_refusal(project, capsys, BuildEdition("test-statement", "en",
                                                    str(tmp_path / "preview"),
                                                    Settings().with_cache(project.root)))


@pytest.mark.parametrize("name", sorted(CRASHES))
def test_a_section_that_crashed_the_tools_is_refused_by_check_the_build_and_the_preview(
        project, capsys, tmp_path, name):
    text, reason, line = CRASHES[name]
    write_section(project, text)
    where = "content/briefs/test-statement/body.en.md" + (f", line {line}:" if line else ":")
    for err in refusals(project, capsys, tmp_path):
        assert where in err and reason in err, err
        assert len(err) < 2000  # no unbounded echo of the input
    assert not (tmp_path / "out").exists()
    assert not list((tmp_path / "preview").glob("test-statement.en.*"))


def test_what_no_step_foresaw_is_still_a_message_naming_the_section(project, capsys,
                                                                   tmp_path):
    # A photo cut off before its first scan: its header is whole, so the picture check
    # passes it, and Pillow fails only when it decodes the picture to embed it.
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, "JPEG")
    photo = buffer.getvalue()
    (project.content / "images" / "cut.jpg").write_bytes(photo[:photo.index(b"\xff\xda")])
    write_section(project, "![What it shows](../../images/cut.jpg)\n")
    for err in refusals(project, capsys, tmp_path):
        assert ("content/briefs/test-statement/body.en.md: this section could not be made "
                "(OSError: cannot load this image)") in err, err
        assert "send this message to whoever maintains the build" in err
    assert not (tmp_path / "out").exists()


def test_a_section_markdown_would_work_on_for_ever_stops_within_its_budget(project, capsys):
    # Python-Markdown's time grows with the square of the unclosed links' count.
    write_section(project, "[a](" * 20_000 + "\n")
    err = refusal(project, capsys, "check")
    assert (f"content/briefs/test-statement/body.en.md: this section took longer than "
            f"{guard.SECONDS} s of processor time to make") in err, err


def test_a_section_whose_markdown_grows_without_end_stops_within_its_memory(project, capsys):
    # A table of 40,000 columns: Markdown fills every row to the header's width.
    write_section(project, "|" + "a|" * 40_000 + "\n|" + "-|" * 40_000 + "\n" + "|\n" * 40_000)
    err = refusal(project, capsys, "check")
    # On a slow hour the processor-time limit comes first; either stops it within budget.
    assert (f"content/briefs/test-statement/body.en.md: this section needed more than "
            f"{guard.MEMORY_MB} MB of memory to make") in err or (
        "content/briefs/test-statement/body.en.md: this section took longer than "
        f"{guard.SECONDS} s of processor time to make") in err, err


def test_a_section_whose_html_outgrows_its_budget_is_refused(project, capsys):
    # A link defined once and used 2,500 times: 6 million characters of HTML.
    write_section(project, "[a][x] " * 2_500 + "\n\n[x]: https://example.org/" + "h" * 2_400
                  + "\n")
    err = refusal(project, capsys, "check")
    assert ("content/briefs/test-statement/body.en.md: this section's HTML grows past 5 "
            "million characters") in err, err


def test_every_section_s_mistake_is_named_at_once(project, capsys):
    write_section(project, "{{ " + "-" * 600 + "1 }}\n")
    write_section(project, "*" * 20000 + "a" + "*" * 20000 + "\n", stem="calls")
    err = refusal(project, capsys, "check")
    assert "test-statement/body.en.md, line 3: an expression is nested too deeply" in err
    assert f"test-statement/calls.en.md: {NESTED}" in err


# The payloads of the workflow's test, one per section of the fixture briefs: (brief,
# section, text, what the job's log says).
IN_THE_BUILD = [
    ("test-statement", "body", "[a](" * 20_000 + "\n",
     f"body.en.md: this section took longer than {guard.SECONDS} s"),
    ("test-statement", "calls", '{{ chart_held_over_time(since="2099-01-01") }}\n',
     "calls.en.md, line 3: the chart cannot start on 2099-01-01"),
    ("test-report", "summary", CRASHES["integer-of-5001-digits"][0],
     "summary.en.md, line 3: the number 1111"),
    ("test-report", "background", CRASHES["600-unary-minus"][0],
     "background.en.md, line 3: an expression is nested too deeply"),
    ("test-report", "recommendations", CRASHES["infinity-minus-infinity"][0],
     "recommendations.en.md, line 3: the number 1e400 is too large"),
    ("test-report", "annex", CRASHES["800-nested-markdown-divs"][0],
     "annex.en.md, line 103: HTML elements are nested more than 50 deep"),
    ("test-update", "introduction", CRASHES["20000-nested-stars"][0],
     f"introduction.en.md: {NESTED}"),
    ("test-update", "expression", CRASHES["600-not"][0],
     "expression.en.md, line 3: an expression is nested too deeply"),
    ("test-column", "body", "|" + "a|" * 40_000 + "\n|" + "-|" * 40_000 + "\n" + "|\n" * 40_000,
     f"body.en.md: this section needed more than {guard.MEMORY_MB} MB of memory"),
]


def test_the_build_names_each_section_that_crashed_or_hung_and_keeps_the_last_good_files(
        prebuilt):
    project = prebuilt
    build = project.root / "build"
    good = {path: path.read_bytes() for path in build.rglob("*") if path.is_file()}
    for brief_id, stem, text, _ in IN_THE_BUILD:
        write_section(project, text, brief_id, stem)
    result = run_snakemake(project, "--keep-going")
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    logs = project.root / ".cache" / "public" / "logs"
    for brief_id, _, _, said in IN_THE_BUILD:
        log = (logs / f"{brief_id}.log").read_text()
        assert "Traceback" not in log and "What to do:" in log, log
        assert f"content/briefs/{brief_id}/{said}" in log, log
    assert {path: path.read_bytes() for path in build.rglob("*") if path.is_file()} == good


FRAGMENTS = st.sampled_from([
    "{{ ", " }}", "{% if ", " %}", "{% else %}", "{% endif %}", "{{", "{%", "}}", "*", "**",
    "_", "[", "]", "](", "(", ")", "[a](", "[^1]", "\n\n[^1]: note ", "[x]: https://x.org\n",
    '<div markdown="1">\n\n', "\n\n</div>\n\n", "<div>", "</div>", "<span>", "</span>", "<b>",
    "\n", "\n\n", "# ", "## ", "- ", "  - ", "1. ", "> ", "| a | b |\n|---|---|\n", "|", "`",
    "{: .cases }", "![a chart](", "generated-chart-1.svg", "<", ">", "&", "-", "not ", " + ",
    " ~ ", " // ", " ** ", "1", "0", "9" * 31, "1e400", "1e308", "0x", ".", '"', "'",
    "brief.date", "brief.period", "brief.period.start", "brief.languages", "brief", "lang",
    "plural(", "| date", "| round(", "| length", "count()", "ә", "🙂", "\u202e", "\x00",
    "\t", "    ", "\r",
])
ARGUMENTS = st.sampled_from([
    '"keeper-one"', '"zzyzx-witness"', '"nobody"', "5", "-1", "0", "1e308", "none", "true",
    "[]", '["held"]', '"held"', '"2099-01-01"', '"1990-01-01"', '"2022-13-01"', '"genitive"',
    '"ә"', "brief.date", "brief.period", "count()", '"a" ~ "b"', '""',
])
KEYWORDS = st.sampled_from(["", "status=", "tag=", "case=", "since=", "region=", "one=",
                            "other=", "x="])


def calls(names):
    """A case function called with odd arguments."""
    arguments = st.lists(st.builds(operator.add, KEYWORDS, ARGUMENTS), max_size=3)
    return st.builds(lambda name, given: "{{ " + name + "(" + ", ".join(given) + ") }}",
                     st.sampled_from(names), arguments)


def sections(names):
    """Sections of Markdown, raw HTML and template syntax, some parts repeated many
    times (nesting, unclosed brackets, long numbers)."""
    part = st.one_of(FRAGMENTS, calls(names), st.text(max_size=8),
                     st.builds(operator.mul, FRAGMENTS, st.integers(2, 300)))
    return st.lists(part, max_size=40).map("".join)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_any_section_gives_its_pages_or_a_message_naming_it(project, data):
    edition = conftest.edition(project, "test-update")
    names = sorted(CaseHelpers(edition).functions())
    section = project.brief_dir("test-update") / "introduction.en.md"
    section.write_text(data.draw(sections(names), label="section"), encoding="utf-8")
    try:
        made = render_sections(edition, CaseHelpers(edition))
    except (ContentError, ContentErrors) as error:
        errors = error.errors if isinstance(error, ContentErrors) else [error]
        assert {problem.path for problem in errors} == {str(section)}, errors
        assert all(problem.hint for problem in errors), errors
        return
    assert set(made) == {"print", "web"}
    assert [len(made[medium].sections) for medium in made] == [3, 3]
