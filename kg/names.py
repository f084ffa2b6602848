"""The one normaliser of names: the form in which every feature of the project compares two names.

`kg mentions`, name resolution in `kg ingest` and the importers, `/reconcile`, the browser's search (server and
page) and the SPARQL search service all compare names through `normalise` (or `words`, its form with offsets),
so a name one of them finds, the others find too. `web/src/names.js` applies the same rules in the page;
`tests/data/names/normalise-cases.json` holds the cases both must agree on.

The rules, applied to each character and then to the words:

1. compatibility decomposition (Unicode NFKD): ligatures and presentation forms become plain letters, an accented
   letter becomes its letter and a combining mark;
2. combining marks are dropped: Latin accents (é → e, ğ → g), Arabic diacritics (harakat, shadda, sukun,
   superscript alef) and the hamza carried by a letter (أ إ آ → ا, ؤ → و, ئ → ي); so is the tatweel (ـ);
3. lower case (`str.lower`, which is JavaScript's `toLowerCase`, so that the page can apply the same rules);
4. Arabic letter variants: ٱ → ا, ى → ي, ة → ه, and the Persian ی → ي, ک → ك (and the Greek final ς → σ);
5. an English possessive ('s at the end of a word) separates words ("Russia's" holds the word "russia"); other
   apostrophes and the transliteration marks of hamza and ayn vanish: "Hay'at", "Hayʼat" and "Hayat" are one word;
6. every other character that is neither a letter nor a digit separates words: spaces, dashes, punctuation;
7. the Arabic article written as a word of its own, `al` or `el` (al-Sham, Al Jazeera, el-Sisi), is dropped
   before another word: "Bashar al-Assad" and "Bashar Assad" are one name.

>>> normalise("  Hayʼat Taḥrīr al-Shām ")
'hayat tahrir sham'
>>> normalise("Recep Tayyip ERDOĞAN") == normalise("recep tayyip erdogan")
True
>>> normalise("هيئة تحرير الشّام") == normalise("هيئه تحرير الشام")
True
"""

import re
import unicodedata
from typing import NamedTuple

APOSTROPHES = "'’‘‛ʼʻʾʿ`´′"
POSSESSIVE = re.compile(f"[{APOSTROPHES}][sS](?![^\\W_])")  # 's not followed by a letter or digit
VARIANTS = {"ٱ": "ا", "ى": "ي", "ة": "ه", "ی": "ي", "ک": "ك", "ς": "σ"}
ARTICLES = frozenset({"al", "el"})
TATWEEL = "\u0640"


def _fold(char: str) -> str:
    """What one character of a name becomes: letters and digits, '' (dropped) or ' ' (a word break)."""
    if char in APOSTROPHES:
        return ""
    folded = []
    for part in unicodedata.normalize("NFKD", char):
        if part == TATWEEL or unicodedata.category(part).startswith("M"):
            continue
        for lower in part.lower():
            lower = VARIANTS.get(lower, lower)
            folded.append(lower if unicodedata.category(lower)[0] in "LN" else " ")
    return "".join(folded)


class _FoldTable(dict[int, str]):
    """`str.translate` table filled on first sight of each character (names use a few hundred of them)."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold(chr(code))
        return folded


_TABLE = _FoldTable()


def normalise(name: str) -> str:
    """The form in which names are compared (the module's rules), words separated by one space.

    >>> normalise("Dar’a"), normalise("DAR'A"), normalise("Ahmed el-Chareh"), normalise("Russia’s"), normalise("al")
    ('dara', 'dara', 'ahmed chareh', 'russia', 'al')
    """
    return " ".join(_without_articles(POSSESSIVE.sub(" ", name).translate(_TABLE).split()))


def _without_articles(forms: list[str]) -> list[str]:
    return [form for i, form in enumerate(forms) if form not in ARTICLES or i + 1 == len(forms)]


class Word(NamedTuple):
    """A word of a text in normalised form, and where it stands in the text (code points, end exclusive).

    A dropped article belongs to the word after it: in "al-Assad" the word `assad` spans all eight characters.
    """

    form: str
    start: int
    end: int


def words(text: str) -> list[Word]:
    """The words of `text` with their offsets; their forms, joined by spaces, are `normalise(text)`.

    >>> words("the al-Assad family's")
    [Word(form='the', start=0, end=3), Word(form='assad', start=4, end=12), Word(form='family', start=13, end=19)]
    """
    breaks = {position for match in POSSESSIVE.finditer(text) for position in range(*match.span())}
    found: list[Word] = []
    form: list[str] = []
    start = end = 0
    for position, char in enumerate(text):
        for part in " " if position in breaks else _TABLE[ord(char)]:
            if part == " ":
                if form:
                    found.append(Word("".join(form), start, end))
                    form = []
                continue
            if not form:
                start = position
            form.append(part)
        if form:
            end = position + 1
    if form:
        found.append(Word("".join(form), start, end))
    kept: list[Word] = []
    for i, word in enumerate(found):
        if word.form in ARTICLES and i + 1 < len(found):
            found[i + 1] = found[i + 1]._replace(start=word.start)
        else:
            kept.append(word)
    return kept
