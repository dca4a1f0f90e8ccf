"""Line breaking for Chinese text: no line starts with a closing mark, none ends
with an opening one, and a number stays with the unit after it.

Rich and Textual wrap a run of Chinese (no spaces) by cutting it wherever the
width runs out, so a line could start with 」 or ，, or split 42 from 码. The
usual rule of CJK typesetting (kinsoku shori) moves the break a few characters
earlier instead. :func:`install` puts :func:`divide_line`, which does that,
where Rich's ``Text`` and Textual's ``Content`` look their line breaker up; the
breaks it returns are the same as before wherever the rule is not broken.
"""

from __future__ import annotations

from collections.abc import Callable

from rich import _wrap

# May not start a line: closing brackets and quotes, sentence and clause marks.
NO_START = frozenset("，。、；：！？）」』》〉】〕〗’”…‥・～%％,.;:!?)]}")
# May not end a line: opening brackets and quotes.
NO_END = frozenset("（「『《〈【〔〖‘“([{")
NUMBER = frozenset("0123456789０１２３４５６７８９.．")
MAX_PULL = 4  # at most this many characters move down to keep the rule

Divider = Callable[[str, int, bool], list[int]]
_original: Divider = _wrap.divide_line


def _is_cjk(char: str) -> bool:
    return "\u3000" <= char <= "\u9fff" or "\uf900" <= char <= "\uffef"


def _bad_break(text: str, at: int) -> bool:
    """Whether a line may not begin at ``at`` of ``text``."""
    before, after = text[at - 1], text[at]
    if after in NO_START or before in NO_END:
        return True
    return before in NUMBER and (after in NUMBER or _is_cjk(after))  # 42|码, 1|2


def _kinsoku(text: str, start: int, at: int) -> int:
    """``at`` moved back (a little, never to ``start``) until the break is allowed."""
    best = at
    for _ in range(MAX_PULL):
        if not _bad_break(text, best):
            return best
        if best - 1 <= start:
            break
        best -= 1
    return best if not _bad_break(text, best) else at


def divide_line(text: str, width: int, fold: bool = True) -> list[int]:
    """Rich's ``divide_line`` with the kinsoku rule applied at each break."""
    breaks = _original(text, width, fold)
    if not breaks or not any(_is_cjk(c) for c in text):
        return breaks
    out: list[int] = []
    start = 0
    while breaks:  # each line's break, then the rest wrapped afresh from it
        start = _kinsoku(text, start, start + breaks[0])
        out.append(start)
        breaks = _original(text[start:], width, fold)
    return out


def install() -> None:
    """Use :func:`divide_line` for Rich ``Text`` and Textual ``Content`` wrapping."""
    import rich.text
    import textual.content

    rich.text.divide_line = divide_line
    textual.content.divide_line = divide_line
