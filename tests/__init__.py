"""Tests of exporter; a package so helpers such as tests/epubcheck.py shadow nothing."""
