"""Advocacy briefs from Markdown and YAML to HTML and PDF.

The package by stage, each importing only the ones before it: `content` (brief.yaml,
sections and organisations, loaded and validated), `cases` (case records), `render` (the
section language, Markdown, pictures, charts and page templates to HTML), `pdf` (printing
with WeasyPrint), `publish` (catalogue, press kits, manifest) and `build` (what the
Snakefile runs); `cli` parses the command line. See docs/architecture.md.
"""
