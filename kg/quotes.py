"""Locate quotes in source texts: the offsets behind every `oa:TextPositionSelector`.

Offsets are 0-based code point positions, end exclusive (https://www.w3.org/TR/annotation-model/#text-position-selector),
which is what Python string indices are.

A quote matches the text when both read the same after every run of whitespace (spaces, line breaks of any
kind, no-break spaces) becomes one space, so an analyst copies a quote across the text's hard line breaks as
it reads. When that fails, curly and straight quotes, apostrophes, dashes and the ellipsis are folded too, and
the match says which characters differed. Either way the match's `exact`, `prefix` and `suffix` are the
source's own characters (`text[start:end]`), never the analyst's spelling. Every reader of quotes (the
compiler, the importers, the tests) goes through `find_all` and `locate`, so `occurrence: N` counts the same
matches everywhere.
"""

import difflib
import functools
import re
from dataclasses import dataclass

CONTEXT_CHARS = 32
_WHITESPACE = re.compile(r"\s+")
# Characters an analyst's keyboard or a report's typesetting writes differently: each folds to its plain form.
_FOLDS = {
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033", '"'),
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u02bc\u2032\u00b4`", "'"),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    "\u2026": "...",
}
SUGGESTION_CANDIDATES = 40  # windows kept by the cheap similarity bound before the exact one ranks them


@dataclass(frozen=True)
class QuoteMatch:
    """A quote found in a text, with its offsets, the text around it, and the characters folded to match it."""

    exact: str
    start: int
    end: int
    prefix: str
    suffix: str
    folded: tuple[tuple[str, str], ...] = ()  # (the text's character, the quote's) where only folding matched

    def folding_note(self) -> str:
        """What differed, as `’ for '` pairs (the text's character first), or "" for a match without folding."""
        return ", ".join(f"{ours} for {theirs}" for ours, theirs in self.folded)


@dataclass(frozen=True)
class _Normalised:
    """A text with whitespace runs collapsed (and punctuation folded), and where each character came from."""

    text: str
    starts: tuple[int, ...]  # the original offset where each normalised character begins
    ends: tuple[int, ...]  # and where it ends

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original offsets of the normalised span [start, end)."""
        return self.starts[start], self.ends[end - 1]


@functools.lru_cache(maxsize=16)
def _normalised(text: str, fold: bool) -> _Normalised:
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    position = 0
    for match in _WHITESPACE.finditer(text):
        _append(text, position, match.start(), fold, chars, starts, ends)
        chars.append(" ")
        starts.append(match.start())
        ends.append(match.end())
        position = match.end()
    _append(text, position, len(text), fold, chars, starts, ends)
    return _Normalised("".join(chars), tuple(starts), tuple(ends))


def _append(
    text: str, start: int, end: int, fold: bool, chars: list[str], starts: list[int], ends: list[int]
) -> None:
    for offset in range(start, end):
        char = text[offset]
        plain = _FOLDS.get(char, char) if fold else char
        for piece in plain:
            chars.append(piece)
            starts.append(offset)
            ends.append(offset + 1)


def _quote_form(quote: str, fold: bool) -> str:
    collapsed = _WHITESPACE.sub(" ", quote).strip()
    return "".join(_FOLDS.get(char, char) for char in collapsed) if fold else collapsed


def _matches(text: str, quote: str, fold: bool) -> list[tuple[int, int]]:
    """The original spans of every (overlapping) match of the quote in the normalised text."""
    needle = _quote_form(quote, fold)
    if not needle:
        return []
    normalised = _normalised(text, fold)
    spans = []
    position = normalised.text.find(needle)
    while position != -1:
        spans.append(normalised.span(position, position + len(needle)))
        position = normalised.text.find(needle, position + 1)
    return spans


def _spans(text: str, quote: str) -> tuple[list[tuple[int, int]], bool]:
    """The matches with whitespace normalised, else with punctuation folded too (and whether folding was needed)."""
    spans = _matches(text, quote, fold=False)
    if spans:
        return spans, False
    return _matches(text, quote, fold=True), True


def find_all(text: str, quote: str) -> list[int]:
    """Start offsets of every occurrence of `quote` in `text`, overlapping ones included, whitespace normalised.

    >>> find_all("abab ab", "ab")
    [0, 2, 5]
    >>> find_all("the main\\r\\n ally", "main ally")
    [4]
    """
    return [start for start, _ in _spans(text, quote)[0]]


def locate(text: str, quote: str, occurrence: int = 1) -> QuoteMatch | None:
    """The `occurrence`-th (1-based) match of `quote` in `text`, or None when there is no such match.

    >>> m = locate("Russia backs the regime.", "backs")
    >>> (m.start, m.end, m.prefix, m.suffix)
    (7, 12, 'Russia ', ' the regime.')
    >>> m = locate("the \\u201cmain\\u201d ally", '"main" ally')
    >>> m.exact == "\\u201cmain\\u201d ally", m.folding_note()
    (True, '\\u201c for ", \\u201d for "')
    """
    spans, folded = _spans(text, quote)
    if occurrence < 1 or occurrence > len(spans):
        return None
    start, end = spans[occurrence - 1]
    exact = text[start:end]
    return QuoteMatch(
        exact=exact,
        start=start,
        end=end,
        prefix=text[max(0, start - CONTEXT_CHARS) : start],
        suffix=text[end : end + CONTEXT_CHARS],
        folded=_differences(exact, quote) if folded else (),
    )


def _differences(exact: str, quote: str) -> tuple[tuple[str, str], ...]:
    """The characters of the text that the quote spells differently, each pair once, in order."""
    ours, theirs = _quote_form(exact, False), _quote_form(quote, False)
    pairs: list[tuple[str, str]] = []
    for tag, a1, a2, b1, b2 in difflib.SequenceMatcher(None, ours, theirs, autojunk=False).get_opcodes():
        pair = (ours[a1:a2], theirs[b1:b2])
        if tag != "equal" and pair not in pairs:
            pairs.append(pair)
    return tuple(pairs)


@dataclass(frozen=True)
class Passage:
    """The passage of a text nearest to a quote that is not in it: where it is, and how alike they are."""

    text: str
    start: int
    end: int
    line: int
    ratio: float


def nearest_passage(text: str, quote: str) -> Passage | None:
    """The passage of `text` most like `quote` (same length, starting at a word), for a quote not found.

    Compared in lower case with whitespace and punctuation normalised; each window is first ranked by difflib's
    cheap upper bound and only the best few get the exact ratio, which keeps a 100 KB text well under a second.

    >>> p = nearest_passage("one\\nMoscow remains the main ally\\nthree", "Moscow remains the chief ally")
    >>> p.line, p.text
    (2, 'Moscow remains the main ally')
    """
    needle = _quote_form(quote, fold=True).lower()
    normalised = _normalised(text, True)
    haystack = normalised.text.lower()
    if not needle or not haystack:
        return None
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(needle)
    word_starts = [0] + [m.end() for m in re.finditer(r"\s", haystack)]
    bounds = []
    for start in word_starts:
        matcher.set_seq1(haystack[start : start + len(needle)])
        bounds.append((matcher.quick_ratio(), start))
    best: tuple[float, int] | None = None
    for _, start in sorted(bounds, key=lambda bound: (-bound[0], bound[1]))[:SUGGESTION_CANDIDATES]:
        matcher.set_seq1(haystack[start : start + len(needle)])
        ratio = matcher.ratio()
        if best is None or ratio > best[0] or (ratio == best[0] and start < best[1]):
            best = (ratio, start)
    if best is None:
        return None
    ratio, start = best
    end = _best_end(haystack, start, needle, matcher)
    first, last = normalised.span(start, end)
    passage = _WHITESPACE.sub(" ", text[first:last]).strip()
    return Passage(passage, first, last, text.count("\n", 0, first) + 1, round(ratio, 2))


def _best_end(text: str, start: int, needle: str, matcher: difflib.SequenceMatcher) -> int:
    """Where the passage starting at `start` best ends: the word end (within a third of the quote's length of
    its own) whose passage is most like the quote, so that the passage shows whole words.

    >>> matcher = difflib.SequenceMatcher(None, autojunk=False)
    >>> matcher.set_seq2("backs the army")
    >>> _best_end("supports the army today", 0, "backs the army", matcher)
    17
    """
    low, high = start + len(needle) * 2 // 3, start + len(needle) * 4 // 3 + 1
    ends = [m.start() for m in re.finditer(r"\s", text[: min(high, len(text))]) if m.start() >= low]
    ends.append(min(high, len(text)) if high >= len(text) else _word_end(text, start + len(needle)))
    best_end, best_ratio = ends[-1], -1.0
    for end in sorted(set(ends)):
        matcher.set_seq1(text[start:end])
        if matcher.ratio() > best_ratio:
            best_end, best_ratio = end, matcher.ratio()
    return best_end


def _word_end(text: str, end: int) -> int:
    while end < len(text) and not text[end].isspace():
        end += 1
    return end


def paragraph_around(text: str, start: int, end: int) -> tuple[str, int]:
    """The paragraph (line) holding text[start:end], and the paragraph's own start offset.

    >>> paragraph_around("one\\ntwo three\\nfour", 8, 13)
    ('two three', 4)
    """
    para_start = text.rfind("\n", 0, start) + 1
    para_end = text.find("\n", end)
    if para_end == -1:
        para_end = len(text)
    return text[para_start:para_end], para_start
