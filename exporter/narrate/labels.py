"""What the narrator adds to the text, in the book's language: announcements and their words."""

from __future__ import annotations

from dataclasses import dataclass

from exporter.model.language import primary_language


@dataclass(frozen=True)
class SpokenLabels:
    """The narration's own sentences; `{…}` fields are filled in by the script."""

    by: str = "By {author}."
    published: str = "Published {date}."
    quote: str = "Quote."
    quote_from: str = "Quote from {source}."
    end_of_quote: str = "End of quote."
    image: str = "Image: {alt}."
    an_image: str = "An image."
    code_one: str = "A code example of one line follows in the text."
    code_many: str = "A code example of {lines} lines follows in the text."
    embed: str = "{what}. Available online, not in this recording."
    table: str = "A table with the columns {columns}."
    footnote: str = "Footnote {label}."
    kinds: tuple[tuple[str, str], ...] = (("video", "Video"), ("audio", "Audio"))
    dot: str = "dot"  # in a site's name: "example dot com"
    web_link: str = "a web link"  # an address with no name to say

    def kind(self, kind: str) -> str:
        """The spoken name of an embed's kind (video, audio), else the kind as written."""
        name = dict(self.kinds).get(kind.strip().lower(), kind)
        return name[:1].upper() + name[1:]


_LABELS: dict[str, SpokenLabels] = {
    "en": SpokenLabels(),
    "es": SpokenLabels(
        by="Por {author}.",
        published="Publicado el {date}.",
        quote="Cita.",
        quote_from="Cita de {source}.",
        end_of_quote="Fin de la cita.",
        image="Imagen: {alt}.",
        an_image="Una imagen.",
        code_one="Sigue en el texto un ejemplo de código de una línea.",
        code_many="Sigue en el texto un ejemplo de código de {lines} líneas.",
        embed="{what}. Disponible en línea, no en esta grabación.",
        table="Una tabla con las columnas {columns}.",
        footnote="Nota {label}.",
        kinds=(("video", "Vídeo"), ("audio", "Audio")),
        dot="punto",
        web_link="un enlace",
    ),
    "nb": SpokenLabels(
        by="Av {author}.",
        published="Publisert {date}.",
        quote="Sitat.",
        quote_from="Sitat fra {source}.",
        end_of_quote="Slutt på sitatet.",
        image="Bilde: {alt}.",
        an_image="Et bilde.",
        code_one="Et kodeeksempel på én linje følger i teksten.",
        code_many="Et kodeeksempel på {lines} linjer følger i teksten.",
        embed="{what}. Tilgjengelig på nett, ikke i dette opptaket.",
        table="En tabell med kolonnene {columns}.",
        footnote="Fotnote {label}.",
        kinds=(("video", "Video"), ("audio", "Lyd")),
        dot="punktum",
        web_link="en nettlenke",
    ),
    "sv": SpokenLabels(
        by="Av {author}.",
        published="Publicerad {date}.",
        quote="Citat.",
        quote_from="Citat från {source}.",
        end_of_quote="Slut på citatet.",
        image="Bild: {alt}.",
        an_image="En bild.",
        code_one="Ett kodexempel på en rad följer i texten.",
        code_many="Ett kodexempel på {lines} rader följer i texten.",
        embed="{what}. Finns på nätet, inte i den här inspelningen.",
        table="En tabell med kolumnerna {columns}.",
        footnote="Fotnot {label}.",
        kinds=(("video", "Video"), ("audio", "Ljud")),
        dot="punkt",
        web_link="en webblänk",
    ),
}
_LABELS["nn"] = _LABELS["nb"]


def spoken_labels(language: str) -> SpokenLabels:
    """The narration's words for a language tag, falling back to English."""
    return _LABELS.get(primary_language(language), _LABELS["en"])
