"""Narration: what is said, how it is said, when, and the engines that say it."""
