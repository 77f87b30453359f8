"""Tests of exporter."""
