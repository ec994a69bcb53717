"""Names as people type them: compared without accents, case or punctuation."""

import unicodedata

_ARTICLES = {"the", "l", "la", "le", "les"}


def folded(text: str) -> str:
    """A name as compared and sorted: "Côte d’Ivoire" -> "cote d ivoire", "St. Lucia" -> "saint lucia"."""
    text = unicodedata.normalize("NFKD", text.replace("&", " and "))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    words = "".join(c if c.isalnum() else " " for c in text).split()
    words = ["saint" if w == "st" else w for w in words]
    if len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    return " ".join(words)
