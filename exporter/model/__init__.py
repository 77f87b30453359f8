"""The Book model: frozen dataclasses, one walker over them, and their text dump."""
