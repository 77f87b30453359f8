"""The web writer: the download page, a listen-and-read page per book, and the podcast feed."""
