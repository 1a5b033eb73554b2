"""Cleaning section HTML: raw HTML in Markdown may not bring scripts or event handlers, nor
make a reader's browser load anything but the pictures the section shows, embedded."""

import nh3
import tinycss2

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "li",
    "mark", "ol", "p", "pre", "small", "span", "strong", "sub", "sup", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "ul",
}
ATTRIBUTES = {
    "*": {"class", "id", "lang", "title"},
    "a": {"href", "hreflang", "aria-label"},
    "img": {"src", "alt", "width", "height"},
    "li": {"value"},
    "ol": {"start"},
    "span": {"data-number"},  # a printed footnote's number, which its marker shows
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "scope", "style"},
}
# Attributes whose address a browser loads by itself, on whatever element they stand; an
# <img>'s src is a picture, and href loads by itself everywhere but on a link.
LOADING = {"srcset", "imagesrcset", "poster", "background", "lowsrc", "dynsrc",
           "data", "codebase", "archive", "code", "classid", "manifest", "srcdoc"}
LINKS = {"a", "area"}
CSS_LOADING = {"url", "src", "image", "image-set", "-webkit-image-set", "cross-fade",
               "-webkit-cross-fade"}
BLOCKS = {"() block", "[] block", "{} block"}


def clean_html(html, pictures=None):
    """Keep the structure Markdown makes; drop scripts, frames, handlers and odd links.
    pictures: {an <img>'s src, as written: its data: URL}; an <img> keeps no other src."""
    pictures = pictures or {}

    def embed(element, attribute, value):
        # nh3 would keep the src as written if this raised: it only looks up
        if element == "img" and attribute == "src":
            return pictures.get(value)
        return value

    return nh3.clean(
        html, tags=TAGS, attributes=ATTRIBUTES, url_schemes={"http", "https", "mailto"},
        filter_style_properties={"text-align"}, link_rel=None, strip_comments=True,
        attribute_filter=embed,
    )


def loads(element):
    """(what, address) for each address an element of parsed section HTML (tinyhtml5, HTML
    elements without a namespace) would have a browser load without a click, but for the
    src of an <img>. Fragments of the page itself (#name) load nothing."""
    html = "}" not in element.tag
    tag = _local(element.tag)
    found = []
    for name, value in element.attrib.items():
        attribute = _local(name)
        if attribute in LOADING or (attribute == "src" and not (html and tag == "img")):
            found.append((f"<{tag} {attribute}>", value))
        elif attribute == "href" and tag not in LINKS:
            found.append((f"<{tag} {attribute}>", value))
        elif attribute == "style" or not html:  # SVG's attributes are CSS values too
            found += [(f"the style of <{tag}>", address) for address in css_loads(value)]
    if tag == "style":
        found += [("<style>", address) for address in css_loads("".join(element.itertext()))]
    if tag == "meta" and element.get("http-equiv", "").strip().lower() == "refresh":
        found.append(("<meta http-equiv=refresh>", element.get("content", "")))
    if not html and tag.lower() in ("set", "animate") and _local(
            element.get("attributeName", "")).lower() == "href":
        found.append((f"<{tag}>", element.get("to") or element.get("values") or ""))
    return [(what, address) for what, address in found if not address.strip().startswith("#")]


def css_loads(css):
    """The addresses a style sheet or style would load: url(), image-set() and the like,
    and @import, however its words are escaped."""
    found, nodes = [], list(tinycss2.parse_component_value_list(css))
    while nodes:
        node = nodes.pop(0)
        if node.type == "url":
            found.append(node.value)
        elif node.type == "at-keyword" and node.lower_value == "import":
            found.append("@import")
        elif node.type == "function":
            if node.lower_name in CSS_LOADING:
                found += [part.value for part in node.arguments if part.type == "string"]
            nodes += node.arguments
        elif node.type in BLOCKS:
            nodes += node.content
    return found


def _local(name):
    """A tag or attribute name without its namespace: xlink:href is href."""
    return name.rpartition("}")[2].rpartition(":")[2]
