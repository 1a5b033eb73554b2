"""Cleaning section HTML: raw HTML in Markdown may not bring scripts or event handlers."""

import nh3

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


def clean_html(html):
    """Keep the structure Markdown makes; drop scripts, frames, handlers and odd links."""
    return nh3.clean(
        html, tags=TAGS, attributes=ATTRIBUTES, url_schemes={"http", "https", "mailto"},
        filter_style_properties={"text-align"}, link_rel=None, strip_comments=True,
    )
