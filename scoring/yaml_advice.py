"""A YAML reader's error, in words a scenario author knows, with what to do.

PyYAML and libyaml say "mapping values are not allowed here"; an author needs
"a colon and a space inside a value: put the whole value in quotes", or, when
the line really starts a key indented too far, which key it should line up
with. :func:`plain_words` picks the place to point at and the message.
"""

from __future__ import annotations

import re
from collections.abc import Set
from dataclasses import dataclass
from typing import Any

import yaml

from scoring.problems import Said

# PyYAML's and libyaml's wording for the usual slips, in words a scenario
# author knows, with what to do: (pattern on "context: problem", where to point,
# the advice's key in the catalog, scoring/locales/*/yaml.yaml). "context" points
# at where the construct started (the opening quote, the key without a colon),
# "problem" where the reader gave up; the advice may name the line of the context
# ("{opened}"). The reader's own text follows in parentheses (as for a bad date or
# number); a problem not listed here keeps it alone.
_PLAIN: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(pattern), where, f"yaml.advice.{key}")
    for pattern, where, key in (
        (r"mapping values are not allowed", "problem", "colon_in_value"),
        (r"could not find expected ':'", "context", "no_colon"),
        (
            r"quoted scalar.*(end of stream|document (indicator|separator))",
            "context",
            "open_quote",
        ),
        (r"tab character|'\\t' that cannot start", "problem", "tab"),
        (r"found unknown escape character", "problem", "escape"),
        (r"flow sequence.*expected ',' or '\]'", "problem", "open_list"),
        (r"flow mapping.*expected ',' or '\}'", "problem", "open_mapping"),
        (r"block mapping.*(expected key|expected <block end>)", "problem", "indentation"),
        (
            r"block collection.*(expected '-' indicator|expected <block end>)",
            "problem",
            "list_item",
        ),
        (r"undefined alias|while scanning an (alias|anchor)", "problem", "alias"),
        (r"expected (the )?node content", "problem", "no_value"),
        (r"directive", "problem", "directive"),
        (r"single document", "problem", "second_doc"),
    )
)


def _advice(key: str, original: str, /, **values: Any) -> Said:
    """The advice ``key`` (yaml.advice.*), followed by the reader's own words."""
    return Said.of("yaml.advice.with_reader", advice=Said.of(key, **values), reader=original)


def plain_words(
    exc: yaml.MarkedYAMLError, text: str, keys: Set[str] = frozenset()
) -> tuple[Any, Said | str]:
    """Where to point, and the message an author reads, for a parser error."""
    original = exc.problem or str(exc)
    if exc.context:
        original = f"{exc.context}: {original}"
    indented = _misindented_key(exc, text, original, keys)
    if indented is not None:
        return indented
    if "cannot start any token" in original:
        mark = exc.problem_mark
        char = _char_at(text, mark)
        if char == "\t":
            return mark, _advice("yaml.advice.tab", original)
        if char:
            return mark, _advice("yaml.advice.bad_start", original, char=repr(char))
    mark = exc.problem_mark
    after_quote = mark is not None and _char_at(text, mark, before=True) in ("'", '"')
    if after_quote and re.search(r"parsing a block (mapping|collection)", original):
        # `c: "x` after an unclosed quote: the quote ran on to the next one.
        return mark, _advice("yaml.advice.after_quote", original)
    for pattern, where, key in _PLAIN:
        if pattern.search(original):
            mark = exc.context_mark if where == "context" else exc.problem_mark
            opened = exc.context_mark.line + 1 if exc.context_mark else "?"
            said = _advice(key, original, opened=opened)
            return mark or exc.problem_mark or exc.context_mark, said
    return exc.problem_mark or exc.context_mark, original


_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # YAML's line breaks
# A line that starts with a key (after any list dashes): "  - if: {...}", "    goto: x".
_KEY_LINE = re.compile(r"(?P<dash>(?:-[ ]+)*)(?P<key>[A-Za-z_][\w-]*)[ ]*:(?:[ ]|$)")
# A lower-case ASCII name (currency, return_window) reads as a key; a word of a text
# seldom looks like one before a colon, and the message says what to do if it is.
_KEY_WORD = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class _Mark:
    """A position (0-based), as a reader's mark gives it."""

    line: int
    column: int


@dataclass(frozen=True)
class _KeyLine:
    """A line that starts with a key: its 0-based number, the key, the key's column
    and the line's indentation (the column of its dash, for "- if: ...")."""

    line: int
    key: str
    column: int
    indent: int


def _key_line(lines: list[str], n: int) -> _KeyLine | None:
    line = lines[n]
    indent = len(line) - len(line.lstrip(" "))
    m = _KEY_LINE.match(line, indent)
    if m is None:
        return None
    return _KeyLine(n, m.group("key"), indent + len(m.group("dash")), indent)


def _misindented_key(
    exc: yaml.MarkedYAMLError, text: str, original: str, keys: Set[str]
) -> tuple[_Mark, Said] | None:
    """An indentation message for a key on a line indented too far or too little, which
    the reader takes for something else: a colon inside the text above ("mapping values
    are not allowed") or a list item without its dash. None when the line does not
    start with a key: a known one (``keys``), one the document uses on another line, or
    a lower-case name such as ``currency`` (a free key of an order)."""
    mark = exc.problem_mark
    if mark is None:
        return None
    lines = _LINE_BREAK.split(text)
    if mark.line >= len(lines):
        return None
    here = _key_line(lines, mark.line)
    if here is None or here.indent != here.column:  # no key, or a list item's
        return None
    if (
        here.key not in keys
        and not _KEY_WORD.fullmatch(here.key)
        and not any(
            (other := _key_line(lines, i)) is not None and other.key == here.key
            for i in range(len(lines))
            if i != mark.line
        )
    ):
        return None  # a word and a colon inside a text, most likely
    # The key lines above, nearest first, up to the nearest one left of this key:
    # the key whose value holds this line's mapping or list.
    above: list[_KeyLine] = []
    for i in range(mark.line - 1, -1, -1):
        found = _key_line(lines, i)
        if found is not None:
            above.append(found)
            if found.column < here.column:
                break
    outer = above[-1] if above and above[-1].column < here.column else None
    at = _Mark(mark.line, here.column)
    if "mapping values are not allowed" in original:
        # The colon the reader stopped at is this key's: the line was read as more of
        # the value on the line above.
        if outer is None or lines[mark.line].find(":", here.column) != mark.column:
            return None
        return at, _advice(
            "yaml.advice.indent_more", original, key=here.key, outer=outer.key, line=outer.line + 1
        )
    if re.search(r"block collection.*expected '-' indicator", original):
        # The reader is in a list whose dashes stand in this key's column.
        items = [k for k in above if k.indent == here.column and k.column > here.column]
        if items:  # a list of mappings: this key belongs to an item, or starts one
            sibling = next(k for k in above if k.column == items[0].column)
            return at, _advice(
                "yaml.advice.indent_item",
                original,
                key=here.key,
                sibling=sibling.key,
                line=sibling.line + 1,
            )
        if outer is None:
            return None
        return at, _advice(
            "yaml.advice.indent_list", original, key=here.key, outer=outer.key, line=outer.line + 1
        )
    return None


def _char_at(text: str, mark: Any, *, before: bool = False) -> str:
    """The character at a mark (line and column count characters), or ''; ``before``:
    the last one before the mark on its line that is not a space."""
    if mark is None:
        return ""
    lines = _LINE_BREAK.split(text)
    if mark.line >= len(lines):
        return ""
    line = lines[mark.line]
    if before:
        return line[: mark.column].rstrip(" ")[-1:]
    return line[mark.column] if mark.column < len(line) else ""
