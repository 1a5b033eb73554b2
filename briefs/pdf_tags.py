"""What WeasyPrint 70's structure tree leaves out, added while WeasyPrint builds it.

WeasyPrint tags a box by its HTML element's name only: it has no Note, TOC or TOCI, writes
no /Lang on an element and no /Scope on a header cell, describes a link annotation by its
target (an internal slug), gives every inline box inside a link its own annotation, and
tags a table header repeated on a continuation page as a second header. Each element it
makes passes through `retag` below, with the box it came from, so that these are set from
the HTML itself (classes, `lang`, `scope`, the link's text), never guessed from the PDF.

WeasyPrint builds the tree in the private function weasyprint.pdf.tags._build_box_tree,
which calls itself through its module's global name; `install` wraps it. WeasyPrint is
pinned (pyproject.toml), and `install` refuses any other version rather than tag wrongly.

`install` also changes how pydyf, WeasyPrint's PDF writer, ends a stream whose data ends
in CR (`end_stream`), and refuses a pydyf other than the one that change was written for.
"""

import weasyprint
import weasyprint.pdf.tags as weasyprint_tags
from weasyprint.formatting_structure import boxes
from weasyprint.layout.absolute import AbsolutePlaceholder

import pydyf

WEASYPRINT_VERSION = "70.0"
PYDYF_VERSION = "0.13.0"

# HTML classes that carry a PDF structure type WeasyPrint cannot map from element names.
ROLE_CLASSES = {"footnote": "Note", "toc-list": "TOC", "toc-entry": "TOCI"}
# Within a link, every box is the link: its text and annotations belong to one Link.
MERGED_INTO_LINK = ("/Link", "/Span", "/NonStruct")


def install():
    """Put `retag` into WeasyPrint's tree building and `end_stream` into pydyf's streams
    (once per process)."""
    install_stream_end()
    if getattr(weasyprint_tags._build_box_tree, "briefs_retag", False):
        return
    if weasyprint.__version__ != WEASYPRINT_VERSION:
        raise RuntimeError(
            f"briefs.pdf_tags was written for WeasyPrint {WEASYPRINT_VERSION}, not "
            f"{weasyprint.__version__}: check its tagging again before changing the pin")
    original = weasyprint_tags._build_box_tree

    def build_box_tree(box, parent, pdf, page_number, nums, annotations, tags):
        source = box._box if isinstance(box, AbsolutePlaceholder) else box
        if isinstance(box, boxes.PageBox) and "briefs_parents" not in pdf.__dict__:
            root = box.children[0].element  # the <html> element, on every page
            pdf.briefs_parents = {child: node for node in root.iter() for child in node}
        done = pdf.__dict__.setdefault("briefs_retagged", set())
        for element in original(box, parent, pdf, page_number, nums, annotations, tags):
            # Elements of the html and body boxes come through again: retag each once.
            if element.reference in done or retag(element, source, parent, pdf, nums,
                                                  annotations):
                done.add(element.reference)
                yield element

    build_box_tree.briefs_retag = True
    weasyprint_tags._build_box_tree = build_box_tree


def install_stream_end():
    """Have pydyf write every stream object through `end_stream`."""
    written = pydyf.Stream.data.fget
    if getattr(written, "briefs_end", False):
        return
    if pydyf.__version__ != PYDYF_VERSION:
        raise RuntimeError(
            f"briefs.pdf_tags was written for pydyf {PYDYF_VERSION}, not "
            f"{pydyf.__version__}: check how it ends a stream before changing the pin")

    def data(stream):
        return end_stream(written(stream))

    data.briefs_end = True
    pydyf.Stream.data = property(data)


def end_stream(data):
    """A stream object as pydyf 0.13 writes it (its data, LF, `endstream`), with CR LF
    instead of that LF where the data ends in CR.

    A CR followed by LF is one end of line (ISO 32000-1, 7.2.2), so after data ending in
    CR a reader may take that CR into the end of line before endstream, and count one byte
    less than /Length (page-validation does). After CR LF, every reading leaves the CR in
    the data; the end of line is still outside /Length (7.3.8.1), as PDF/A requires.
    """
    if data.endswith(b"\r\nendstream"):
        return data[:-len(b"\nendstream")] + b"\r\nendstream"
    return data


def retag(element, box, parent, pdf, nums, annotations):
    """Complete one structure element made for box; False if it was merged into its
    parent (a part of a link) and must not be added to the tree."""
    if box.link_annotation is not None:
        box.link_annotation["Contents"] = pydyf.String(link_description(box, pdf))
    if parent["S"] == "/Link" and element["S"] in MERGED_INTO_LINK:
        merge_into(parent, element, pdf, nums, annotations)
        return False
    if box.link_annotation is not None:
        element["S"] = "/Link"
    html = box.element
    if element["S"] == "/THead" and repeated(html, pdf):
        mark_as_artifact(element, pdf, nums)
        return False
    if html is None or "::" in (box.element_tag or ""):
        return True  # an anonymous or pseudo-element box: its element is tagged already
    if element["S"] != "/LBody":  # the body WeasyPrint adds to a list item is no item
        add_role(element, html, pdf)
        add_language(element, html)
    if element["S"] == "/TH":
        element["A"]["Scope"] = "/Row" if html.get("scope") == "row" else "/Column"
    return True


def add_role(element, html, pdf):
    """Note, TOC and TOCI, from the classes the templates give these elements."""
    for name in (html.get("class") or "").split():
        if name in ROLE_CLASSES:
            element["S"] = f"/{ROLE_CLASSES[name]}"
            if name == "footnote" and html.get("id"):
                element["ID"] = pydyf.String(html.get("id"))
            if name == "toc-entry":
                # A contents entry holds a reference to a part, not a list item's body.
                for kid in children(element, pdf):
                    if kid["S"] == "/LBody":
                        kid["S"] = "/Reference"
            return


def children(element, pdf):
    """The structure elements among an element's kids."""
    kids = (pdf.objects[int(kid.split()[0])] for kid in element["K"] if not isinstance(kid, int))
    return [kid for kid in kids if kid.get("Type") == "/StructElem"]


def add_language(element, html):
    """/Lang where the HTML says an element is in another language than its parent's."""
    if lang := html.get("lang"):
        element["Lang"] = pydyf.String(lang)


def repeated(html, pdf):
    """Whether this table header was tagged on an earlier page already."""
    seen = pdf.__dict__.setdefault("briefs_headers", set())
    if html in seen:
        return True
    seen.add(html)
    return False


def mark_as_artifact(element, pdf, nums):
    """Leave a repeated header out of the tree: its text becomes an artifact (the
    finisher rewrites the page's content) and its marked-content ids map to nothing."""
    artifacts = pdf.__dict__.setdefault("briefs_artifacts", set())
    for mcid in marked_content(element, pdf):
        nums[mcid] = b"null"
        artifacts.add((element["Pg"], mcid))


def marked_content(element, pdf):
    for kid in element["K"]:
        if isinstance(kid, int):
            yield kid
        elif (child := pdf.objects[int(kid.split()[0])]).get("Type") == "/StructElem":
            yield from marked_content(child, pdf)


def link_description(box, pdf):
    """What a link annotation says it does: the link's own words, not its target."""
    anchor = box.element
    while anchor is not None and anchor.tag != "a":
        anchor = pdf.briefs_parents.get(anchor)
    if anchor is None:
        return ""
    label = anchor.get("aria-label") or " ".join("".join(anchor.itertext()).split())
    return label or anchor.get("href", "")


def merge_into(link, part, pdf, nums, annotations):
    """Give part's marked content, children and annotations to the Link it sits in."""
    for kid in part["K"]:
        if isinstance(kid, int):
            nums[kid] = link.reference
        else:
            child = pdf.objects[int(kid.split()[0])]
            if child.get("Type") == "/StructElem" and child["S"] in MERGED_INTO_LINK:
                merge_into(link, child, pdf, nums, annotations)  # a span in a span
                continue
            if child.get("Type") == "/StructElem":
                child["P"] = link.reference
        link["K"].append(kid)
    for index, (owner, annotation) in enumerate(annotations):
        if owner == part.reference:
            annotations[index] = (link.reference, annotation)


def finish(document, pdf):
    """The finisher for write_pdf: what must change in the finished objects."""
    artifacts = pdf.__dict__.get("briefs_artifacts", set())
    for page in pdf.page_references:
        page_object = pdf.objects[int(page.split()[0])]
        mcids = {mcid for owner, mcid in artifacts if owner == page}
        if mcids:
            to_artifacts(pdf.objects[int(page_object["Contents"].split()[0])], mcids)
    # PDF/A requires a plain XMP metadata stream in every version; WeasyPrint leaves it
    # plain only for PDF/A-1.
    for item in list_items(pdf):
        give_bodies(item, pdf)
    if "Metadata" in pdf.catalog:
        pdf.objects[int(pdf.catalog["Metadata"].split()[0])].compress = False
    # PDF/A forbids asking a viewer to smooth a picture (/Interpolate true), which
    # WeasyPrint asks for every raster picture; one rule keeps both variants' pictures alike.
    for item in pdf.objects:
        if isinstance(item, pydyf.Stream) and item.extra.get("Subtype") == "/Image":
            item.extra["Interpolate"] = "false"


def to_artifacts(stream, mcids):
    """Turn the marked content with these ids into artifacts, in a page's operators."""
    items = stream.stream
    for index in range(len(items) - 2, 0, -1):
        item = items[index]
        if isinstance(item, pydyf.Dictionary) and item.get("MCID") in mcids \
                and items[index + 1] == b"BDC":
            items[index - 1:index + 2] = ["/Artifact", b"BMC"]


def list_items(pdf):
    """Every LI of the structure tree."""
    root = pdf.objects[int(pdf.catalog["StructTreeRoot"].split()[0])]
    stack = [pdf.objects[int(kid.split()[0])] for kid in root["K"]]
    while stack:
        element = stack.pop()
        if element["S"] == "/LI":
            yield element
        stack.extend(children(element, pdf))


def give_bodies(item, pdf):
    """Put what WeasyPrint set straight into a list item (a block inside an <li>, such as
    a second paragraph) into a list body, the only other thing an LI may hold."""
    kids, body = pydyf.Array(), None
    for reference in item["K"]:
        if isinstance(reference, int):  # marked content, which WeasyPrint never puts here
            kids.append(reference)
            continue
        kid = pdf.objects[int(reference.split()[0])]
        if kid.get("S") in ("/Lbl", "/LBody"):
            kids.append(reference)
            body = kid if kid["S"] == "/LBody" else None
            continue
        if body is None:
            body = pydyf.Dictionary({"Type": "/StructElem", "S": "/LBody", "K": pydyf.Array(),
                                     "Pg": kid["Pg"], "P": item.reference})
            pdf.add_object(body)
            kids.append(body.reference)
        body["K"].append(reference)
        kid["P"] = body.reference
    item["K"] = kids
