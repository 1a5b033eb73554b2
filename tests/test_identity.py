"""Mastheads, named logos, document numbers and imprints, measured where a reader meets
them: in the PDFs the real build prints (their text layer and the pictures' places) and in
the web pages as Chromium lays them out."""

import re
import shutil

import pikepdf
import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
from PIL import Image, ImageDraw

from conftest import make_project, needs_chromium, refusal, run_snakemake
from test_validation import failures

LANGS = ("en", "ru", "kk")
MM = 72 / 25.4  # PDF points in a millimetre

# Five invented organisations with very long names; each name's first word is its own, so
# that a page shows which name stands where.
NAMES = {
    "en": ["Aralsk Committee for the Protection of the Rights of Prisoners of Conscience and "
           "Their Families",
           "Balkhash International Observatory on Fair Trials, Freedom of Assembly and Freedom "
           "of Expression",
           "Charyn Coalition of Independent Lawyers against Torture and Ill-Treatment in Places "
           "of Detention",
           "Dostyk Network of Human Rights Defenders for Accountability and Justice after the "
           "January Events",
           "Emba Foundation for Civic Education, Independent Journalism and the Rule of Law in "
           "Central Asia"],
    "ru": ["Аральский комитет защиты прав узников совести и членов их семей",
           "Балхашская международная обсерватория справедливого правосудия, свободы собраний "
           "и свободы слова",
           "Чарынская коалиция независимых адвокатов против пыток и жестокого обращения в "
           "местах лишения свободы",
           "Достыкская сеть правозащитников за ответственность и справедливость после "
           "январских событий",
           "Эмбинский фонд гражданского просвещения, независимой журналистики и верховенства "
           "права в Центральной Азии"],
    "kk": ["Арал ар-ождан тұтқындары мен олардың отбасыларының құқықтарын қорғау комитеті",
           "Балқаш әділ сот, бейбіт жиналыс және сөз бостандығы жөніндегі халықаралық "
           "обсерваториясы",
           "Шарын азаптау мен қатыгез қарым-қатынасқа қарсы тәуелсіз адвокаттар коалициясы",
           "Достық қаңтар оқиғаларынан кейінгі жауапкершілік пен әділдік үшін құқық "
           "қорғаушылар желісі",
           "Ембі азаматтық білім, тәуелсіз журналистика және құқық үстемдігі қоры"],
}
KEYS = ("aralsk", "balkhash", "charyn", "dostyk", "emba")
# Logos of every shape: square, a wide banner, a tall seal; the pixel sizes tell them apart.
LOGO_SIZES = [(200, 200), (900, 150), (120, 360), (400, 200), (301, 301)]
COLOURS = ["#2f6b4f", "#1d4e89", "#a33b20", "#6b2f6b", "#8a6d00"]

# What the imprints print of these organisations: the fields that issue 33 added.
IMPRINT_FIELDS = {
    "aralsk": """  address:
    en: 1 Example Street, Almaty 050000, Kazakhstan
    ru: Казахстан, 050000 Алматы, ул. Примерная, 1
    kk: Қазақстан, 050000 Алматы, Мысал көшесі, 1
  telephone: +7 727 000 00 00
  licence: CC BY-NC 4.0
  press:
    name: {en: Dana Example, ru: Дана Пример, kk: Дана Мысал}
    telephone: +7 701 000 00 01
    email: press@aralsk.example.org
""",
    "balkhash": """  address:
    en: 2 Example Avenue, Astana 010000, Kazakhstan
    ru: Казахстан, 010000 Астана, пр. Примерный, 2
    kk: Қазақстан, 010000 Астана, Мысал даңғылы, 2
  telephone: +7 7172 00 00 00
  press:
    name: {en: Marat Example, ru: Марат Пример, kk: Марат Мысал}
    email: media@balkhash.example.org
""",
}


def organisation(index, extra=""):
    key = KEYS[index]
    lines = [f"{key}:", "  name:"]
    lines += [f"    {lang}: \"{NAMES[lang][index]}\"" for lang in LANGS]
    lines += ["  short_name:"] + [f"    {lang}: {key.upper()}" for lang in LANGS]
    lines += [f"  website: https://{key}.example.org", f"  logo: images/{key}.png",
              "  logo_alt:"]
    lines += [f"    {lang}: \"{NAMES[lang][index].split()[0]}: a logo\"" for lang in LANGS]
    return "\n".join(lines) + "\n" + extra


def draw_logo(path, size, colour):
    picture = Image.new("RGB", size, colour)
    ImageDraw.Draw(picture).ellipse((size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2),
                                    fill="white")
    picture.save(path)


def write_brief(project, brief_id, yaml, sections):
    folder = project.brief_dir(brief_id)
    folder.mkdir(parents=True)
    (folder / "brief.yaml").write_text(yaml)
    for name, text in sections.items():
        (folder / name).write_text(text)


PARAGRAPH = {
    "en": "The organisations that sign this statement ask for the release of the keeper.",
    "ru": "Подписавшие это заявление организации требуют освободить смотрителя.",
    "kk": "Бұл мәлімдемеге қол қойған ұйымдар смотрительді босатуды талап етеді.",
}


def statement(project, brief_id, count, langs=("en",), extra=""):
    texts = ", ".join(f"{lang}: Free the keeper {count}" for lang in langs)
    places = ", ".join(f"{lang}: Testville" for lang in langs)
    write_brief(project, brief_id, f"""kind: statement
languages: [{", ".join(langs)}]
date: 2023-04-25
place: {{{places}}}
title: {{{texts}}}
organisations: [{", ".join(KEYS[:count])}]
sections: [body]
{extra}""", {f"body.{lang}.md": PARAGRAPH[lang] + "\n" for lang in langs})


def report(project, brief_id, organisations, extra=""):
    write_brief(project, brief_id, f"""kind: report
languages: [en]
date: 2020-12-10
as_of: 2020-11-30
place: {{en: Testville}}
title: {{en: Keepers behind bars}}
organisations: [{", ".join(organisations)}]
sections:
  - file: summary
    role: summary
  - background
{extra}""", {"summary.en.md": "# Summary\n\nKeepers are held.\n",
             "background.en.md": "# Background\n\nThe harbour closed in 2019.\n"})


def update(project, brief_id, organisations, extra=""):
    write_brief(project, brief_id, f"""kind: update
languages: [en]
date: 2022-09-30
period: {{start: 2022-06-01, end: 2022-08-31}}
place: {{en: Testville}}
title: {{en: Harbour update}}
organisations: [{", ".join(organisations)}]
sections: [introduction]
{extra}""", {"introduction.en.md": "# Introduction\n\nThree months at the harbour.\n"})


def column(project, brief_id, organisations, langs=("en",), extra=""):
    names = ", ".join(f"{lang}: Dana Testova" for lang in langs)
    write_brief(project, brief_id, f"""kind: column
languages: [{", ".join(langs)}]
date: 2024-01-29
place: {{{", ".join(f"{lang}: Testville" for lang in langs)}}}
title: {{{", ".join(f"{lang}: The harbour waits" for lang in langs)}}}
organisations: [{", ".join(organisations)}]
author:
  name: {{{names}}}
  bio: {{{", ".join(f"{lang}: An invented columnist." for lang in langs)}}}
sections: [body]
{extra}""", {f"body.{lang}.md": PARAGRAPH[lang] + "\n" for lang in langs})


def identity_project(folder, fields=None):
    """The fixture project with the five organisations and their logos, and no brief."""
    project = make_project(folder)
    shutil.rmtree(project.content / "briefs")
    (project.content / "briefs").mkdir()
    with (project.content / "organisations.yaml").open("a") as file:
        for index, key in enumerate(KEYS):
            file.write(organisation(index, (fields or {}).get(key, "")))
    for key, size, colour in zip(KEYS, LOGO_SIZES, COLOURS):
        draw_logo(project.content / "images" / f"{key}.png", size, colour)
    return project


def build(project):
    result = run_snakemake(project)
    assert result.returncode == 0, result.stderr
    return project


@pytest.fixture(scope="module")
def mastheads(tmp_path_factory):
    """Statements of one to five organisations, a report, an update and a column, built
    with the fields organisations.yaml has long had."""
    project = identity_project(tmp_path_factory.mktemp("mastheads"))
    statement(project, "five-logos", 5, LANGS)
    for count in (1, 2, 3):
        statement(project, f"logos-{count}", count)
    report(project, "logo-report", KEYS[:2])
    update(project, "logo-update", KEYS[2:4])
    column(project, "logo-column", KEYS[4:])
    return build(project)


@pytest.fixture(scope="module")
def imprints(tmp_path_factory):
    """Briefs of each kind by organisations with an address, telephone, licence and press
    officer, with and without a document number."""
    project = identity_project(tmp_path_factory.mktemp("imprints"), IMPRINT_FIELDS)
    number = "document_number: KIBHR/2023/004\n"
    statement(project, "numbered-statement", 2, LANGS, number)
    statement(project, "plain-statement", 1, ("en",))
    report(project, "numbered-report", KEYS[:2], number)
    update(project, "plain-update", KEYS[:2])
    column(project, "numbered-column", KEYS[:1], LANGS, number)
    return build(project)


def pdf_path(project, brief_id, lang="en"):
    return project.root / "build" / brief_id / f"{brief_id}.{lang}.pdf"


def intersect(a, b, slack=0.2):
    """Whether two (left, bottom, right, top) boxes share more than a hairline."""
    return (min(a[2], b[2]) - max(a[0], b[0]) > slack
            and min(a[3], b[3]) - max(a[1], b[1]) > slack)


def logos_on(page):
    """(pixel size, box) of each raster picture drawn on a page."""
    return [(tuple(image.get_px_size()), image.get_bounds())
            for image in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=4)]


def characters_on(page):
    """(character, box) of each printed character of a page's text layer."""
    text = page.get_textpage()
    found = []
    for index in range(text.count_chars()):
        character = text.get_text_range(index, 1)
        if character.strip():
            found.append((character, text.get_charbox(index)))
    return found


def lines_on(page):
    """(text, box) of each run of text on a line, as the text layer gives it."""
    text = page.get_textpage()
    return [(text.get_text_bounded(*text.get_rect(i)).replace("\xa0", " ").strip(),
             text.get_rect(i)) for i in range(text.count_rects())]


def overlaps(path, page_number=0):
    """Each logo of a page that some printed character lies on, with those characters."""
    document = pypdfium2.PdfDocument(path)
    page = document[page_number]
    characters = characters_on(page)
    found = {}
    for size, box in logos_on(page):
        under = "".join(c for c, char_box in characters if intersect(box, char_box))
        if under:
            found[size] = under
    return found


def logo_names(path, page_number=0):
    """For each logo of a page, the block of lines that starts just right of it: the lines
    that lie beside it, and those above and below that continue them."""
    document = pypdfium2.PdfDocument(path)
    page = document[page_number]
    lines = lines_on(page)
    named = {}
    for size, (left, bottom, right, top) in logos_on(page):
        beside = sorted(((box, text) for text, box in lines if right <= box[0] <= right + 6 * MM),
                        key=lambda line: (-line[0][3], line[0][0]))
        level = [i for i, (box, _) in enumerate(beside) if box[1] < top and box[3] > bottom]
        if not level:
            named[size] = ""
            continue
        first = last = level[0]
        # the next line's baseline, about 12 pt on at 9.5 pt, not the next mark's name
        while first > 0 and beside[first - 1][0][1] - beside[first][0][1] < 16:
            first -= 1
        while last + 1 < len(beside) and beside[last][0][1] - beside[last + 1][0][1] < 16:
            last += 1
        named[size] = " ".join(text for _, text in beside[first:last + 1])
    return named


def whole_text(path):
    """The text of every page; pdfium gives a hyphen it takes for a soft one as U+FFFE."""
    document = pypdfium2.PdfDocument(path)
    text = "\n".join(page.get_textpage().get_text_range() for page in document)
    return text.replace("\ufffe", "-")


@pytest.mark.parametrize("lang", LANGS)
def test_five_logos_with_long_names_lie_over_no_text_in_one_band_of_height(mastheads, lang):
    path = pdf_path(mastheads, "five-logos", lang)
    logos = logos_on(pypdfium2.PdfDocument(path)[0])
    assert sorted(size for size, _ in logos) == sorted(LOGO_SIZES)
    assert overlaps(path) == {}
    for (width, height), (left, bottom, right, top) in logos:
        drawn = (right - left, top - bottom)
        # 8 mm high, or as high as a banner 24 mm wide can be, its shape kept
        assert abs(drawn[1] - 8 * MM) < 0.5 or abs(drawn[0] - 24 * MM) < 0.5, drawn
        assert abs(drawn[0] / drawn[1] - width / height) < 0.02, (width, height, drawn)


def test_one_two_or_three_logos_lie_over_no_text_each_beside_its_name(mastheads):
    for count in (1, 2, 3):
        path = pdf_path(mastheads, f"logos-{count}")
        assert len(logos_on(pypdfium2.PdfDocument(path)[0])) == count
        assert overlaps(path) == {}, count
        beside = logo_names(path)
        for size, name in zip(LOGO_SIZES[:count], NAMES["en"]):
            assert beside[size].startswith(name.split()[0]), (count, size, beside[size])


@pytest.mark.parametrize("lang", LANGS)
def test_each_logo_has_its_organisations_name_beside_it_and_its_words_as_a_figure(mastheads,
                                                                                 lang):
    path = pdf_path(mastheads, "five-logos", lang)
    beside = logo_names(path)
    for size, name in zip(LOGO_SIZES, NAMES[lang]):
        assert beside[size].startswith(name.split()[0]), (size, beside[size])
    with pikepdf.open(path) as pdf:
        figures = []
        pending = [pdf.Root.StructTreeRoot]
        while pending:
            element = pending.pop()
            if element.get("/S") == "/Figure":
                figures.append(str(element.get("/Alt")))
            kids = element.get("/K")
            kids = kids if isinstance(kids, pikepdf.Array) else [kids]
            pending += [kid for kid in kids if isinstance(kid, pikepdf.Dictionary)]
    assert sorted(figures) == sorted(f"{name.split()[0]}: a logo" for name in NAMES[lang])


@pytest.mark.parametrize("brief_id", ["logo-report", "logo-update"])
def test_covers_of_reports_and_updates_carry_the_publishers_named_logos(mastheads, brief_id):
    path = pdf_path(mastheads, brief_id)
    page = pypdfium2.PdfDocument(path)[0]
    logos = logos_on(page)
    assert len(logos) == 2
    title = next(box for text, box in lines_on(page) if text.startswith(("Keepers", "Harbour")))
    assert all(box[1] > title[3] for _, box in logos)  # above the title
    assert overlaps(path) == {}
    first = KEYS.index("aralsk" if brief_id == "logo-report" else "charyn")
    beside = logo_names(path)
    for size, name in zip(LOGO_SIZES[first:first + 2], NAMES["en"][first:first + 2]):
        assert beside[size].startswith(name.split()[0]), beside


def test_a_columns_first_page_has_a_small_masthead(mastheads):
    path = pdf_path(mastheads, "logo-column")
    page = pypdfium2.PdfDocument(path)[0]
    [(size, box)] = logos_on(page)
    title = next(box for text, box in lines_on(page) if text.endswith("harbour waits"))
    assert box[1] > title[3] and box[3] - box[1] < 8 * MM  # above the title, and small
    assert logo_names(path)[size].startswith("Emba")
    assert overlaps(path) == {}


# The web page, as Chromium lays it out: the boxes of every logo and of every piece of text.
BOXES = """() => {
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim()) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      if (r.width > 0 && r.height > 0)
        texts.push({text: node.textContent.trim(), box: [r.left, r.top, r.right, r.bottom]});
    }
  }
  const logos = [...document.querySelectorAll("img.logo")].map(image => {
    const r = image.getBoundingClientRect();
    const name = image.closest(".masthead-mark").querySelector(".mark-name").getBoundingClientRect();
    return {alt: image.alt, box: [r.left, r.top, r.right, r.bottom], height: r.height,
            name: [name.left, name.top, name.right, name.bottom]};
  });
  return {texts, logos, width: document.documentElement.scrollWidth};
}"""


def screen_overlaps(laid_out):
    """Each logo's words, with the texts that lie on it."""
    found = {}
    for logo in laid_out["logos"]:
        left, top, right, bottom = logo["box"]
        box = (left, -bottom, right, -top)  # as (left, bottom, right, top), y upwards
        for text in laid_out["texts"]:
            t_left, t_top, t_right, t_bottom = text["box"]
            if intersect(box, (t_left, -t_bottom, t_right, -t_top), slack=0.5):
                found.setdefault(logo["alt"], []).append(text["text"])
    return found


@needs_chromium
@pytest.mark.parametrize("width", [360, 1280])
def test_on_screen_logos_lie_over_no_text_and_stand_beside_their_names(mastheads, browser,
                                                                      width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        for brief_id, lang in [("five-logos", "en"), ("five-logos", "ru"), ("five-logos", "kk"),
                               ("logos-1", "en"), ("logos-3", "en"), ("logo-report", "en")]:
            html = mastheads.root / "build" / brief_id / f"{brief_id}.{lang}.html"
            page.goto(html.as_uri())
            laid_out = page.evaluate(BOXES)
            assert laid_out["logos"], brief_id
            assert screen_overlaps(laid_out) == {}, (brief_id, lang)
            assert laid_out["width"] <= width, (brief_id, lang)  # no sideways scrolling
            for logo in laid_out["logos"]:
                left, top, right, bottom = logo["box"]
                n_left, n_top, n_right, n_bottom = logo["name"]
                assert right <= n_left <= right + 20 and n_top < bottom and n_bottom > top, logo
    finally:
        page.close()


LABELS = {"en": "Document number: KIBHR/2023/004", "ru": "Номер документа: KIBHR/2023/004",
          "kk": "Құжат нөмірі: KIBHR/2023/004"}


@pytest.mark.parametrize("lang", LANGS)
def test_a_document_number_is_printed_with_its_label_in_each_language(imprints, lang):
    for brief_id in ("numbered-statement", "numbered-column"):
        path = pdf_path(imprints, brief_id, lang)
        first_page = pypdfium2.PdfDocument(path)[0].get_textpage().get_text_range()
        assert LABELS[lang] in first_page.replace("\r\n", " "), brief_id
        html = re.sub(r"<[^>]+>", "", path.with_suffix(".html").read_text())
        assert LABELS[lang] in html, brief_id
    column = whole_text(pdf_path(imprints, "numbered-column", lang)).replace("\r\n", " ")
    assert column.count("KIBHR/2023/004") == 2  # under the title, and in the imprint


def test_a_report_prints_its_document_number_on_the_cover_and_in_the_imprint(imprints):
    document = pypdfium2.PdfDocument(pdf_path(imprints, "numbered-report"))
    cover = document[0].get_textpage().get_text_range()
    assert "DOCUMENT NUMBER" in cover.upper() and "KIBHR/2023/004" in cover
    text = whole_text(pdf_path(imprints, "numbered-report")).replace("\r\n", " ")
    assert text.count("KIBHR/2023/004") == 2 and LABELS["en"] in text


def test_without_a_document_number_none_is_printed(imprints):
    for brief_id in ("plain-statement", "plain-update"):
        path = pdf_path(imprints, brief_id)
        assert "document number" not in whole_text(path).lower()
        assert 'class="document-number"' not in path.with_suffix(".html").read_text()


IMPRINT = {
    "en": ["1 Example Street, Almaty 050000, Kazakhstan", "Telephone: +7 727 000 00 00",
           "Licence: CC BY-NC 4.0", "Dana Example", "+7 701 000 00 01",
           "press@aralsk.example.org"],
    "ru": ["Казахстан, 050000 Алматы, ул. Примерная, 1", "Телефон: +7 727 000 00 00",
           "Лицензия: CC BY-NC 4.0", "Дана Пример", "press@aralsk.example.org"],
    "kk": ["Қазақстан, 050000 Алматы, Мысал көшесі, 1", "Телефон: +7 727 000 00 00",
           "Лицензия: CC BY-NC 4.0", "Дана Мысал", "press@aralsk.example.org"],
}
PRESS = {"en": "Press contacts:", "ru": "Контакты для прессы:",
         "kk": "Баспасөзге арналған байланыстар:"}


def test_a_reports_and_an_updates_imprint_gives_address_telephone_licence_and_press(imprints):
    for brief_id in ("numbered-report", "plain-update"):
        text = " ".join(whole_text(pdf_path(imprints, brief_id)).split())
        imprint = text[text.upper().rindex("ABOUT THIS PUBLICATION"):]
        for wanted in IMPRINT["en"] + ["2 Example Avenue, Astana", "Telephone: +7 7172 00 00 00",
                                        "Marat Example (BALKHASH), media@balkhash.example.org",
                                        PRESS["en"]]:
            assert wanted in imprint, (brief_id, wanted)


@pytest.mark.parametrize("lang", LANGS)
def test_a_columns_imprint_gives_address_telephone_licence_and_press(imprints, lang):
    text = " ".join(whole_text(pdf_path(imprints, "numbered-column", lang)).split())
    for wanted in IMPRINT[lang]:
        assert wanted in text, wanted


@pytest.mark.parametrize("lang", LANGS)
def test_a_statements_contact_lines_name_its_press_officer(imprints, lang):
    text = " ".join(whole_text(pdf_path(imprints, "numbered-statement", lang)).split())
    press = {"en": "Press contact:", "ru": "Контакт для прессы:",
             "kk": "Баспасөзге арналған байланыс:"}[lang]
    officer = {"en": "Dana Example", "ru": "Дана Пример", "kk": "Дана Мысал"}[lang]
    assert f"{press} {officer}, +7 701 000 00 01, press@aralsk.example.org" in text
    assert "Marat" not in text  # the lead organisation speaks for a joint statement


def test_every_pdf_of_these_briefs_passes_pdf_ua_1(mastheads, imprints):
    found = {path.name: failures(path, "ua1")
             for project in (mastheads, imprints)
             for path in sorted((project.root / "build").rglob("*.pdf"))}
    assert {name: problems for name, problems in found.items() if problems} == {}


# brief.yaml's document_number, as an editor might get it wrong, and what they are told.
BAD_NUMBERS = {
    "a space": ("KIBHR 2023 004", "'KIBHR 2023 004' is not a document number"),
    "too long": ("A" * 41, "is not a document number"),
    "a path": ("../../etc/passwd", "'../../etc/passwd' is not a document number"),
    "markup": ("'<b>KIBHR</b>'", "'<b>KIBHR</b>' is not a document number"),
    "an underscore": ("KIBHR_2023", "'KIBHR_2023' is not a document number"),
    "a number": ("2023004", "write a text; put it in quotes"),
}


@pytest.fixture
def plain(tmp_path):
    project = identity_project(tmp_path, IMPRINT_FIELDS)
    statement(project, "plain-statement", 2, ("en", "ru"))
    return project


@pytest.mark.parametrize("name", BAD_NUMBERS)
def test_an_invalid_document_number_is_refused_saying_what_to_write(plain, capsys, name):
    value, reason = BAD_NUMBERS[name]
    path = plain.brief_dir("plain-statement") / "brief.yaml"
    path.write_text(path.read_text() + f"document_number: {value}\n")
    line = path.read_text().count("\n")
    err = refusal(plain, capsys, "check")
    assert (f"content/briefs/plain-statement/brief.yaml, line {line}, field "
            f"'document_number': ") in err and reason in err, err
    if name != "a number":
        assert "What to do: use up to 40 letters, digits and the signs / - ." in err, err


# organisations.yaml's new fields, as an editor might get them wrong: (the text replaced,
# its replacement, the start of the line the error names (a field holding a mapping is
# named at its first line), what the error says, what it says to do).
BAD_FIELDS = {
    "a local telephone": ("  telephone: +7 727 000 00 00", "  telephone: 727 000",
                          "  telephone: 727 000",
                          "field 'aralsk.telephone': '727 000' is not a telephone number",
                          "with its country code"),
    "letters in a telephone": ("    telephone: +7 701 000 00 01", "    telephone: call Dana",
                               "    telephone: call Dana",
                               "field 'aralsk.press.telephone': 'call Dana' is not a "
                               "telephone number", "e.g. +7 727 000 00 00"),
    "a press officer without a way to reach": (
        "    email: media@balkhash.example.org\n", "", "    name: {en: Marat",
        "field 'balkhash.press': a press contact needs a 'telephone' or an 'email'",
        "add the press officer's 'telephone:' or 'email:'"),
    "a press officer without a name": (
        "    name: {en: Marat Example, ru: Марат Пример, kk: Марат Мысал}\n", "",
        "    email: media@balkhash",
        "field 'balkhash.press.name': this field is required", "add it"),
    "an e-mail address without its @": (
        "    email: press@aralsk.example.org", "    email: press.aralsk.example.org",
        "    email: press.aralsk.example.org",
        "field 'aralsk.press.email': 'press.aralsk.example.org' is not an e-mail address",
        "press@example.org"),
    "an address without its Russian": (
        "    ru: Казахстан, 010000 Астана, пр. Примерный, 2\n", "", "    en: 2 Example Avenue",
        "field 'balkhash.address': the text in 'ru' is missing, and brief 'plain-statement' "
        "is published in 'ru'", "add a line 'ru: ...' under this field"),
    "a name without its Russian": (
        f"    ru: \"{NAMES['ru'][1]}\"\n", "", "    en: \"Balkhash",
        "field 'balkhash.name': the text in 'ru' is missing, and brief 'plain-statement' "
        "is published in 'ru'", "add a line 'ru: ...' under this field"),
    "a licence of a paragraph": ("  licence: CC BY-NC 4.0", "  licence: " + "CC BY " * 20,
                                 "  licence: CC BY CC BY", "field 'aralsk.licence': ",
                                 "write it shorter"),
}


@pytest.mark.parametrize("name", BAD_FIELDS)
def test_a_wrong_imprint_field_names_organisations_yaml_its_line_and_what_to_do(
        plain, capsys, name):
    old, new, line_text, reason, hint = BAD_FIELDS[name]
    path = plain.content / "organisations.yaml"
    text = path.read_text()
    assert old in text
    text = text.replace(old, new, 1)
    path.write_text(text)
    lines = text.splitlines()
    start = lines.index("balkhash:" if "balkhash" in reason else "aralsk:")
    line = next(n for n, content in enumerate(lines[start:], start + 1)
                if content.startswith(line_text))
    err = refusal(plain, capsys, "check")
    assert f"content/organisations.yaml, line {line}, {reason}" in err, err
    assert hint in err[err.index("What to do:"):], err


def test_markup_in_an_address_or_a_press_officers_name_is_printed_as_text(plain):
    from conftest import render

    path = plain.content / "organisations.yaml"
    path.write_text(path.read_text()
                    .replace("ru: Казахстан, 050000 Алматы, ул. Примерная, 1",
                             "ru: \"<img src=https://tracker.example.org/a.png>\"")
                    .replace("name: {en: Dana Example,",
                             "name: {en: \"<a href='https://evil.example.org'>Dana</a>\","))
    column(plain, "marked-column", KEYS[:1], ("en", "ru"))
    english = render(plain, "marked-column", "en", medium="print")
    russian = render(plain, "marked-column", "ru", medium="print")
    assert "&lt;a href=&#39;https://evil.example.org&#39;&gt;Dana&lt;/a&gt;" in english
    assert "&lt;img src=https://tracker.example.org/a.png&gt;" in russian
    assert "<a href='https://evil" not in english and "<img src=https://tracker" not in russian
