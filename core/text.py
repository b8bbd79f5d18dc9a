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


def trigrams(text: str) -> set[str]:
    """The trigrams of each word of folded text, padded as PostgreSQL's pg_trgm pads them ("  w", " wi", …)."""
    grams = set()
    for word in re.findall(r"[a-z0-9]+", text):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def similarity(query: str, text: str) -> float:
    """How alike a folded query is to the closest word run of a folded text, from 0 to 1.

    The share of shared trigrams (pg_trgm's `similarity`), taken for the whole text and for each of
    its words, whichever is best: "witenberg" is 0.67 like "lutherstadt wittenberg"'s second word.
    """
    wanted = trigrams(query)
    if not wanted:
        return 0.0
    best = 0.0
    for part in [text, *re.findall(r"[a-z0-9]+", text)]:
        grams = trigrams(part)
        if grams:
            best = max(best, len(wanted & grams) / len(wanted | grams))
    return best
