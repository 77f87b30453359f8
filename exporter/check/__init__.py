"""Checks of built books: fidelity, EPUBCheck, the `exporter check` command."""
