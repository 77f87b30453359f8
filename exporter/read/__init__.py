"""Readers: post files in, front matter and body HTML out."""
