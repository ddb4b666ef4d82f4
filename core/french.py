"""French elision, for sentences that put a name staff or customers typed after "de", "le", "la", "que" or "ne":
"Carte de Edmonton" reads "Carte d’Edmonton", "Quantité de Imperméable Chinook" reads "Quantité d’Imperméable
Chinook". The French catalogue keeps its natural "de %(name)s"; the sentence is elided once the name is in.

Rules: before a vowel, accented or not, in either case; before a y that a consonant follows (d’Yvonne, but de
Yellowknife, du Yukon). Not before h: telling h muet (d’harmonica) from h aspiré (de hockey, de haut-parleur)
needs a dictionary, and a wrong elision reads worse than a missing one. A pronoun after a hyphen (« écrivez-le »)
and numbers are left alone. Applied to chosen sentences only, never to a whole page: fixed French text such as
« de A à Z » stays as written."""

import re

from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language

VOWELS = "aeiouàâäéèêëîïôöùûüæœ"
CONSONANTS = "bcdfghjklmnpqrstvwxzç"
# The word, then its space, then a vowel, or a y before a consonant. Not after a letter, apostrophe or hyphen.
_ELIDABLE = re.compile(
    rf"(?<![\w’'\-])(de|le|la|que|ne)\s+(?=[{VOWELS}]|y[{CONSONANTS}])", re.IGNORECASE)


def _elided(match: re.Match) -> str:
    return match.group(1)[:-1] + "’"


def elide(text: str, language: str | None = None) -> str:
    """The sentence with its elisions made when the language (by default the active one) is French; else as is.
    Safe (already escaped) text stays safe."""
    if not text or not (language or get_language() or "").startswith("fr"):
        return text
    result = _ELIDABLE.sub(_elided, str(text))
    return mark_safe(result) if isinstance(text, SafeData) else result  # noqa: S308 - escaped text, one ’ added
