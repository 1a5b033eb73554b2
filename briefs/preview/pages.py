"""The preview's own pages: the catalogue of editions, an edition's web page beside its PDF,
what they ask to follow the builds, and the PDF's pages as pictures (PDFium), which every
browser shows alike."""

import collections
import hashlib
import io
import threading
from pathlib import Path

import jinja2
import pypdfium2

from briefs import i18n
from briefs.kinds import KINDS

ASSETS = Path(__file__).parent / "assets"
SCALE = 1.5  # 108 dots per inch: a page's text is readable at a column's width
KEPT = 64  # pictures, and page sizes, of the latest builds
ENVIRONMENT = jinja2.Environment(loader=jinja2.FileSystemLoader(ASSETS), autoescape=True,
                                 undefined=jinja2.StrictUndefined)
_pdfium = threading.Lock()
_keeping = threading.Lock()
_pictures = collections.OrderedDict()  # (version, page): PNG bytes, the most recent last
_sizes = collections.OrderedDict()  # version: the size of each page's picture


def catalogue_page(builder, internal):
    return ENVIRONMENT.get_template("catalogue.html").render(
        briefs=_briefs(builder), internal=internal, edition="")


def _briefs(builder):
    """Each brief with its editions' summaries, newest first, as the catalogue sorts."""
    briefs = {}
    for (brief_id, lang), status in builder.editions():
        brief = briefs.setdefault(brief_id, {"id": brief_id, "title": brief_id, "kind": "",
                                             "date": "", "problems": "", "editions": []})
        if status["built"]:
            entry = status["built"].entry
            if not brief["kind"] or lang == "en":
                brief.update(title=entry["title"], kind=entry["kind"], date=entry["date"])
        brief["problems"] = builder.plan.problems.get(brief_id, "")
        brief["editions"].append({"lang": lang, "language": i18n.language_name(lang),
                                  "summary": _summary(status)})
    return sorted(briefs.values(), key=lambda brief: (brief["date"], brief["id"]), reverse=True)


def _summary(status):
    if status["problems"]:
        return "cannot be built: see its page"
    if not status["built"]:
        return "being built"
    entry = status["built"].entry
    return _pages_text(entry) + (", over its kind's page budget" if _over(entry) else "")


def _pages_text(entry):
    return f"{entry['pages']} page{'s' if entry['pages'] > 1 else ''}"


def _over(entry):
    budget = KINDS[entry["kind"]].pages
    return budget is not None and entry["pages"] > budget


def edition_page(builder, key, internal):
    """The page that shows an edition's web page beside its PDF; None if there is none."""
    status = edition_status(builder, key)
    if status is None:
        return None
    others = sorted((lang, i18n.language_name(lang)) for brief_id, lang in builder.plan.keys
                    if brief_id == key[0] and lang != key[1])
    return ENVIRONMENT.get_template("edition.html").render(
        brief_id=key[0], lang=key[1], title=status["title"] or key[0],
        language=i18n.language_name(key[1]), status=status, others=others, internal=internal,
        edition="/".join(key))


def edition_status(builder, key):
    """What the page of an edition shows now, as its script receives it; None if the
    project has no such edition."""
    status = builder.status(key)
    if not status["known"]:
        return None
    built, problems = status["built"], status["problems"]
    shown = {"state": "error" if problems else "ready" if built else "building",
             "updating": status["building"], "builds": status["builds"], "problems": problems,
             "version": "building", "title": "", "web": "", "sheets": [], "summary": ""}
    if problems:
        shown["version"] = "error-" + hashlib.sha256(problems.encode()).hexdigest()[:16]
    elif built:
        shown.update(version=built.version, title=built.entry["title"], sheets=_sheets(key, built),
                     web=_built_address(key, built, "html"), summary=_summary_html(key, built))
    return shown


def _built_address(key, built, kind):
    """Where the web page or PDF of this build is; its version in the query makes each
    build's address new."""
    return f"/web/{key[0]}/{key[0]}.{key[1]}.{kind}?v={built.version}"


def _summary_html(key, built):
    """The pages, the page budget and the warnings above the PDF's pages."""
    entry = built.entry
    return ENVIRONMENT.get_template("summary.html").render(
        entry=entry, pages=_pages_text(entry), over=_over(entry),
        budget=KINDS[entry["kind"]].pages, pdf=_built_address(key, built, "pdf"))


def _sheets(key, built):
    """The PDF's pages as the page lists them: where each picture is, its size, its name."""
    sizes = page_sizes(built)
    return [{"src": f"/pages/{key[0]}/{key[1]}/{built.version}/{number}.png",
             "width": width, "height": height, "alt": f"Page {number} of {len(sizes)}"}
            for number, (width, height) in enumerate(sizes, start=1)]


def page_sizes(built):
    """The size in pixels of each page's picture."""
    def measure(document):
        return [tuple(round(side * SCALE) for side in page.get_size()) for page in document]

    return _kept(_sizes, built.version, lambda: _with_pdf(built.pdf, measure))


def page_picture(built, number):
    """A page of the PDF as a PNG picture; None if it has no such page."""
    def draw(document):
        if not 1 <= number <= len(document):
            return None
        buffer = io.BytesIO()
        image = document[number - 1].render(scale=SCALE).to_pil()
        image.save(buffer, "PNG", compress_level=1)  # a fast, light squeeze: it stays here
        return buffer.getvalue()

    return _kept(_pictures, (built.version, number), lambda: _with_pdf(built.pdf, draw))


def _with_pdf(pdf, use):
    """use(the PDF opened by PDFium), which may not run in two threads at once, even on two
    documents."""
    with _pdfium:
        document = pypdfium2.PdfDocument(pdf)
        try:
            return use(document)
        finally:
            document.close()


def _kept(kept, key, make):
    """make(), kept under key: every open page asks again after each build."""
    with _keeping:
        if key in kept:
            kept.move_to_end(key)
            return kept[key]
    value = make()
    with _keeping:
        kept[key] = value
        while len(kept) > KEPT:
            kept.popitem(last=False)
    return value


def message_page(title, text):
    """A page that only says something: not found, refused, being built."""
    return ENVIRONMENT.get_template("message.html").render(title=title, text=text,
                                                           internal=False, edition="")
