"""Line breaking for Chinese text: no line starts with a closing mark, none ends
with an opening one, and a number stays with the unit after it.

Rich and Textual wrap a run of Chinese (no spaces) by cutting it wherever the
width runs out, so a line could start with 」 or ，, or split 42 from 码. The
usual rule of CJK typesetting (kinsoku shori) moves the break a few characters
earlier instead; and where Chinese meets a Latin word, a line may break
between characters rather than only at spaces. :func:`install` puts
:func:`divide_line` where Rich's ``Text`` and Textual's ``Content`` look their
line breaker up; text without Chinese wraps exactly as before.
"""

from __future__ import annotations

from collections.abc import Callable

from rich import _wrap
from rich.cells import cell_len

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


def _may_start(text: str, at: int) -> bool:
    """Whether a line may begin at ``at``: after a space, or beside a Chinese
    character (Chinese has no spaces; any character boundary will do) where
    the kinsoku rule allows it."""
    before, after = text[at - 1], text[at]
    if after.isspace():
        return False
    if before.isspace():
        return True
    return (_is_cjk(before) or _is_cjk(after)) and not _bad_break(text, at)


def divide_line(text: str, width: int, fold: bool = True) -> list[int]:
    """Where each line after the first starts, for ``text`` in ``width`` cells.

    Text without Chinese is Rich's own business. Chinese mixed with Latin words
    is filled greedily, breaking at spaces and between characters beside a
    Chinese one: Rich moved a whole run of Chinese after a Latin word ("LINE
    Pay 转给买家…") to the next line, leaving "Pay" alone on a half-empty one.
    A space may hang past the edge; a word wider than a line is cut (``fold``)
    or overflows."""
    if not any(_is_cjk(c) for c in text):
        return _original(text, width, fold)
    breaks: list[int] = []
    start = cells = last = 0  # line start, its cells so far, its last allowed break
    i = 0
    while i < len(text):
        if i > start and _may_start(text, i):
            last = i
        char = text[i]
        size = cell_len(char)
        if char.isspace() or i == start or cells + size <= width:
            cells += size
            i += 1
            continue
        if last > start:
            start = last
        elif fold:
            start = _kinsoku(text, start, i)
        else:
            cells += size  # an unbreakable word overflows to its next break
            i += 1
            continue
        breaks.append(start)
        cells, last = cell_len(text[start:i]), start
    return breaks


def install() -> None:
    """Use :func:`divide_line` for Rich ``Text`` and Textual ``Content`` wrapping."""
    import rich.text
    import textual.content

    rich.text.divide_line = divide_line
    textual.content.divide_line = divide_line
