"""English left on a French page: any string of the shop's own English (a msgid of the French catalogue whose
translation differs) still visible in the page chrome — header, menus, headings, labels, buttons, footer."""

import re
from functools import cache
from pathlib import Path

import polib
from playwright.sync_api import Page

PO_FILE = Path(__file__).resolve().parents[2] / "locale" / "fr" / "LC_MESSAGES" / "django.po"
CHROME = "header, nav, footer, h1, h2, h3, label, button, legend, th, caption, [role=status], .alert, summary"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{[^}]*\}\}|\{\w*\}")


@cache
def english_phrases() -> tuple[re.Pattern, ...]:
    """Whole-word patterns for each English phrase that French shows differently (or not at all): fragments of
    two words or more between placeholders, and capitalised single words of five letters or more."""
    phrases = set()
    for entry in polib.pofile(str(PO_FILE)):
        translations = [entry.msgstr] if entry.msgstr else list(entry.msgstr_plural.values())
        if entry.obsolete:
            continue  # an untranslated or fuzzy entry is shown in English: it counts
        for msgid in filter(None, [entry.msgid, entry.msgid_plural]):
            for fragment in PLACEHOLDER.split(msgid):
                fragment = fragment.strip(" .,:;!?—–-()\n")
                words = fragment.split()
                long_phrase = len(words) >= 2 and len(fragment) >= 8
                key_word = len(words) == 1 and len(fragment) >= 5 and fragment[0].isupper() and fragment.isalpha()
                if (long_phrase or key_word) and not any(fragment in t for t in translations):
                    phrases.add(fragment)
    return tuple(re.compile(r"(?<!\w)" + re.escape(p) + r"(?!\w)") for p in sorted(phrases))


# The text of the chrome, screen-reader-only text included, leaving out what is marked as another language (the
# language switch says "English" in English, on purpose).
CHROME_TEXT = """selector => Array.from(document.querySelectorAll(selector)).map(element => {
    if (element.closest('[lang]:not([lang^="fr"])')) return '';
    const copy = element.cloneNode(true);
    copy.querySelectorAll('[lang]:not([lang^="fr"])').forEach(other => other.remove());
    return copy.textContent;
}).join('\\n')"""


def english_in_chrome(page: Page) -> list[str]:
    text = page.evaluate(CHROME_TEXT, CHROME)
    return sorted({pattern.pattern[7:-6].replace("\\", "") for pattern in english_phrases() if pattern.search(text)})
