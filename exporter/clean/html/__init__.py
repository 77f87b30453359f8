"""HTML → chapters: the only package that uses beautifulsoup4 (`document` is the entry)."""

from exporter.clean.html.document import clean_body, clean_html

__all__ = ["clean_body", "clean_html"]
