"""Advocacy briefs from Markdown and YAML to HTML and PDF.

The public API, one function per stage of the pipeline:

- `load_organisations`, `load_brief`: read and validate content (raise `ContentError(s)`)
- `render_edition`: one brief in one language to HTML, for the web or for print
- `print_pdf`: HTML to PDF with WeasyPrint, reading only the project's files
- `write_catalogue`: build/index.html from the editions' records
"""

from .content import Project, discover, load_brief, load_organisations
from .errors import ContentError, ContentErrors

__all__ = ["ContentError", "ContentErrors", "Project", "discover", "load_brief",
           "load_organisations"]
