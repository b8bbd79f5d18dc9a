"""German-aware text helpers shared by all apps: slugs and search folding."""

import re
import unicodedata

from django.utils.text import slugify

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS"})
_DIGRAPHS = re.compile(r"(?<=[a-z])(ae|oe|ue)")


def german_slugify(value: str) -> str:
    """ASCII slug that spells umlauts and ß the German way: "Dessau-Roßlau" -> "dessau-rosslau"."""
    return slugify(str(value).translate(_UMLAUTS).replace("/", " "))


def visible_text(value: str) -> str:
    """The text without control and format characters (NUL, zero-width space), trimmed."""
    return "".join(ch for ch in str(value) if unicodedata.category(ch)[0] != "C").strip()


def fold(value: str) -> str:
    """Reduce text to a form in which spelling variants of German names compare equal.

    "Roßlau", "Rosslau" and "ROSSLAU" fold alike, and so do "Düsseldorf" and
    "Duesseldorf" (and "Dusseldorf"). Both the stored search column and the
    visitor's query go through this function, so matching stays a plain
    case-sensitive LIKE on every database.
    """
    text = str(value).translate(_UMLAUTS).casefold()
    text = unicodedata.normalize("NFKD", text)
    # Combining marks go (é -> e); so do control characters such as NUL, which
    # PostgreSQL refuses in text and which no name contains.
    text = "".join(ch for ch in text if not unicodedata.combining(ch) and unicodedata.category(ch)[0] != "C")
    text = _DIGRAPHS.sub(lambda m: m.group(1)[0], text)
    return re.sub(r"\s+", " ", text).strip()
