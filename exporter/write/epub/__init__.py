"""EPUB 3 writer: package plan, content documents, media overlays."""
