"""exporter: WordPress posts in, EPUB 3 books, audiobooks and read-along EPUBs out."""

__version__ = "0.1.0"
