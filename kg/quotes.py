"""Locate quotes in source texts: the offsets behind every `oa:TextPositionSelector`.

Offsets are 0-based code point positions, end exclusive (https://www.w3.org/TR/annotation-model/#text-position-selector),
which is what Python string indices are.
"""

from dataclasses import dataclass

CONTEXT_CHARS = 32


@dataclass(frozen=True)
class QuoteMatch:
    """A quote found in a text, with its offsets and the text around it."""

    exact: str
    start: int
    end: int
    prefix: str
    suffix: str


def find_all(text: str, quote: str) -> list[int]:
    """Start offsets of every occurrence of `quote` in `text`, overlapping ones included.

    >>> find_all("abab ab", "ab")
    [0, 2, 5]
    """
    starts: list[int] = []
    position = text.find(quote)
    while position != -1:
        starts.append(position)
        position = text.find(quote, position + 1)
    return starts


def locate(text: str, quote: str, occurrence: int = 1) -> QuoteMatch | None:
    """The `occurrence`-th (1-based) match of `quote` in `text`, or None when there is no such match.

    >>> m = locate("Russia backs the regime.", "backs")
    >>> (m.start, m.end, m.prefix, m.suffix)
    (7, 12, 'Russia ', ' the regime.')
    """
    if not quote:
        return None
    starts = find_all(text, quote)
    if occurrence < 1 or occurrence > len(starts):
        return None
    start = starts[occurrence - 1]
    end = start + len(quote)
    return QuoteMatch(
        exact=quote,
        start=start,
        end=end,
        prefix=text[max(0, start - CONTEXT_CHARS) : start],
        suffix=text[end : end + CONTEXT_CHARS],
    )


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
