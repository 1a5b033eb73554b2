"""Advocacy briefs from Markdown and YAML to HTML and PDF.

The stages, one module each: `content` (load and validate), `cases` and `case_helpers`
(case records), `render` (HTML for the web and for print), `pdf` (WeasyPrint), `publish`
(catalogue), `press_kit`, `manifest`; `cli` is the command line and `job`/`worker` run it
for the workflow. The names below are imported on first use, so that `briefs.job`, which
every workflow job starts, stays light.
"""

import importlib

_EXPORTS = {
    "ContentError": "errors", "ContentErrors": "errors", "Project": "content",
    "discover": "content", "load_brief": "content", "load_organisations": "content",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(name)
