"""`briefs preview`: a local web server that shows each edition's web page and PDF, and
builds again what a saved file changes (docs/architecture.md, "The preview")."""
