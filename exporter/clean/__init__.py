"""Cleaning: post HTML into a Book, and the transforms that finish it."""
