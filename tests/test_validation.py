"""Every PDF, of the example briefs and of the test fixtures, as an independent validator
(page-validation, which passes veraPDF's test corpus) judges it: PDF/UA-1 for the default
build, PDF/A-3u for the archival variant; and every stream's /Length, measured in the file
itself."""

import io
import re

import page
import pikepdf
import pytest
from PIL import Image

from conftest import ARCHIVE, make_project, run_snakemake

# The keyword that starts a stream's data, after its dictionary, with its end of line.
STREAM = re.compile(rb">>\s*stream(\r\n|\n)")
# The end of line before endstream, read as ISO 32000-1 (7.2.2) reads it: CR LF is one.
END_OF_LINE = re.compile(rb"(\r\n|\n|\r)\Z")


def pdfs(project, folder):
    found = sorted((project.root / folder).rglob("*.pdf"))
    assert found, f"no PDF in {folder}"
    return found


def failures(path, profile):
    """The failed rules, each with its object."""
    report = page.validate_pdf(path, profile=profile)
    found = []
    for failure in report.failures:
        where = failure.object_id
        number = where and (where.object_number, where.generation)
        found.append(f"{failure.rule_id} at object {number}: {failure.message}")
    return found


def streams(path):
    """(object number, /Length, the bytes between the stream keyword's end of line and
    endstream) of every stream of the file, read from the file itself."""
    data = path.read_bytes()
    with pikepdf.open(path) as pdf:
        for number, entry in pdf.get_xref_table().items():
            stream = pdf.get_object(number) if entry.type == 1 else None
            if not isinstance(stream, pikepdf.Stream):
                continue
            length = int(stream.stream_dict["/Length"])
            start = STREAM.search(data, entry.offset).end()
            end = data.index(b"endstream", start + max(length - 2, 0))
            yield number, length, data[start:end]


def misread(path):
    """The streams whose /Length is not their data's length as ISO 32000-1 measures it:
    the bytes before endstream less the one end of line that must precede it, a CR LF
    being one end of line (7.2.2)."""
    found = []
    for number, length, body in streams(path):
        end_of_line = END_OF_LINE.search(body)
        measured = end_of_line.start() if end_of_line else None
        if measured != length:
            found.append(f"object {number}: /Length {length}, but {measured} bytes before "
                         f"the end of line that precedes endstream ({body[-3:]!r})")
    return found


@pytest.mark.parametrize("where", ["examples", "built"])
def test_every_pdf_passes_pdf_ua_1(where, request):
    project = request.getfixturevalue(where)
    found = {path.name: failures(path, "ua1") + misread(path)
             for path in pdfs(project, "build")}
    assert {name: problems for name, problems in found.items() if problems} == {}


@pytest.mark.parametrize("where", ["examples", "fixtures_archived"])
def test_every_archival_pdf_passes_pdf_a_3u(where, request):
    project = request.getfixturevalue(where)
    found = {path.name: failures(path, "3u") + misread(path)
             for path in pdfs(project, "build-pdfa")}
    assert {name: problems for name, problems in found.items() if problems} == {}


def test_a_failing_file_is_reported_with_its_rule_and_object(built, tmp_path):
    # The XMP metadata compressed again, as WeasyPrint writes it for PDF/A-2 and 3.
    source = next(iter(pdfs(built, "build")))
    spoiled = tmp_path / "spoiled.pdf"
    with pikepdf.open(source) as pdf:
        metadata = pdf.Root.Metadata
        metadata.write(metadata.read_bytes(), filter=pikepdf.Name.FlateDecode)
        pdf.save(spoiled, fix_metadata_version=False)
    [problem] = [p for p in failures(spoiled, "3u") if "METADATA-FILTER" in p]
    assert re.match(r"PDFA3U-METADATA-FILTER-001 at object \(\d+, 0\): ", problem)


@pytest.fixture(scope="module")
def pictured(tmp_path_factory):
    """The English test statement with five 1x1 grey PNG pictures, printed in both
    variants: {folder: its PDF}.

    A picture is printed as zlib data, which ends in its Adler-32 checksum, whose last byte
    is 1 + the PNG filter byte (0 to 4) + the grey: one of these greys gives picture data
    that ends in CR (0x0D), whichever filter the encoder chooses."""
    project = make_project(tmp_path_factory.mktemp("pictured"))
    folder = project.content / "briefs" / "test-statement"
    dots = []
    for grey in range(8, 13):
        picture = io.BytesIO()
        Image.new("L", (1, 1), grey).save(picture, "PNG")
        (folder / f"grey-{grey}.png").write_bytes(picture.getvalue())
        dots.append(f"![A grey dot, {grey} of 255](grey-{grey}.png)")
    body = folder / "body.en.md"
    body.write_text(body.read_text(encoding="utf-8") + "\n" + " ".join(dots) + "\n",
                    encoding="utf-8")
    for args in ((), ARCHIVE):
        result = run_snakemake(project, *args)
        assert result.returncode == 0, result.stderr
    return {out: project.root / out / "test-statement" / "test-statement.en.pdf"
            for out in ("build", "build-pdfa")}


def test_no_picture_asks_to_be_smoothed(pictured):
    for path in pictured.values():
        with pikepdf.open(path) as pdf:
            asked = [bool(item.stream_dict.get("/Interpolate", False)) for item in pdf.objects
                     if isinstance(item, pikepdf.Stream)
                     and item.stream_dict.get("/Subtype") == "/Image"]
        assert asked == [False] * 5
    found = failures(pictured["build-pdfa"], "3u")
    assert [problem for problem in found if "INTERPOLATE" in problem] == []


def test_a_stream_whose_data_ends_in_cr_is_measured_alike_by_every_reader(pictured):
    for path in pictured.values():
        ending_in_cr = [data for _, length, data in streams(path) if data[:length][-1:] == b"\r"]
        assert ending_in_cr, "no stream's data ends in CR: the test no longer provokes it"
        assert {data[-3:] for data in ending_in_cr} == {b"\r\r\n"}  # the data's CR, CR LF
        assert misread(path) == []
    assert failures(pictured["build-pdfa"], "3u") == []
    assert failures(pictured["build"], "ua1") == []
