"""Rendering records and estimates as Markdown, HTML, SVG and JSON: pure functions, no MkDocs."""
