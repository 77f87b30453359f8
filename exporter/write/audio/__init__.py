"""Audiobook writers: encoded segments, m4b, mp3."""
