"""Safe YAML parsing that remembers where every value came from.

Rubric files and scenarios are written by trainers, so every error must name
the file, line and column. This module parses YAML text with a SafeLoader
subclass (no Python objects, a size limit, a limit on aliases so that an
"alias bomb" is refused at once) and returns plain dicts and lists plus a
position table keyed by the path of each value.

Most documents are plain (no anchors, aliases or tags): those are built
straight from libyaml's event stream, which costs less than composing a node
tree first. Anything else, and every error, goes through the general reader,
so messages and positions are the same either way.

Pure: it takes text and returns values; reading files is the caller's job.
"""

from __future__ import annotations

import re
from collections.abc import Set
from dataclasses import dataclass, field
from difflib import get_close_matches
from typing import Any

import yaml

MAX_BYTES = 1_000_000
MAX_ALIASES = 50
MAX_DEPTH = 40
MAX_NODES = 100_000

Path = tuple[str | int, ...]
_ALLOWED_TAGS = {
    f"tag:yaml.org,2002:{t}"
    for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
}


@dataclass(frozen=True)
class YamlProblem:
    """One problem in a YAML document, with its position (1-based; line 0: the
    file or folder as a whole, which is shown without a position)."""

    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        if self.line <= 0:
            return f"{self.file}: {self.message}"
        return f"{self.file}:{self.line}:{self.col}: {self.message}"


class YamlError(Exception):
    """Raised with every problem found in a document."""

    def __init__(self, problems: list[YamlProblem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class YamlDoc:
    """Parsed data plus the (line, col) of every mapping key and value."""

    file: str
    data: Any
    positions: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path) -> tuple[int, int]:
        """Best known position for ``path``: the nearest ancestor that has one."""
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path, (1, 1))

    def problem(self, path: Path, message: str) -> YamlProblem:
        """A problem located at ``path``."""
        line, col = self.where(path)
        return YamlProblem(self.file, line, col, message)


_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")


_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: ~10x faster


class _Loader(_BASE):  # type: ignore[misc, valid-type]
    """Safe loader whose booleans are only ``true`` / ``false``.

    YAML 1.1 would also read yes, no, on and off as booleans, which surprises
    authors (a key named ``on``, an answer ``no``). Aliases are limited while
    converting (see ``_convert``), so an alias bomb is refused at once.
    """

    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", _BOOL, list("tTfF"))


class _Budget:
    """Counts values and alias uses while converting one document."""

    def __init__(self) -> None:
        self.seen: set[int] = set()
        self.aliases = 0


def parse(text: str, file: str = "<string>", *, keys: Set[str] = frozenset()) -> YamlDoc:
    """Parse one YAML document; raise YamlError naming file:line:col.

    ``keys``: the keys this kind of document has, which helps tell a key
    indented too far (``goto: x`` under ``mood: +25``) from a colon inside a text.
    """
    # A character is at most 4 bytes: most texts are far below the limit
    # without encoding them to count.
    if len(text) * 4 > MAX_BYTES and len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise YamlError([YamlProblem(file, 1, 1, f"file is larger than {MAX_BYTES} bytes")])
    loader = _Loader(text)
    try:
        data, positions = _plain(loader)
    except Exception:  # noqa: BLE001 - anything unusual: the general reader decides
        pass
    else:
        return YamlDoc(file, data, positions)
    finally:
        loader.dispose()
    return _parse_general(text, file, keys)


def _parse_general(text: str, file: str, keys: Set[str] = frozenset()) -> YamlDoc:
    """Compose the node tree, then convert it (anchors, aliases, tags, errors)."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDoc(file, None, {})
        positions: dict[Path, tuple[int, int]] = {}
        data = _convert(loader, node, (), positions, 0, _Budget())
    except yaml.MarkedYAMLError as exc:
        mark, message = _plain_words(exc, text, keys)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlError([YamlProblem(file, line, col, message)]) from None
    except yaml.YAMLError as exc:
        raise YamlError([YamlProblem(file, 1, 1, str(exc))]) from None
    finally:
        loader.dispose()
    return YamlDoc(file, data, positions)


# PyYAML's and libyaml's wording for the usual slips, in words a scenario
# author knows, with what to do: (pattern on "context: problem", where to point,
# message). "context" points at where the construct started (the opening quote,
# the key without a colon), "problem" where the reader gave up; "{opened}" is the
# line of the context. The reader's own text follows in parentheses (as for a bad
# date or number); a problem not listed here keeps it alone.
_PLAIN: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(pattern), where, message)
    for pattern, where, message in (
        (
            r"mapping values are not allowed",
            "problem",
            "a colon and a space inside a value: put the whole value in quotes, "
            'e.g. say: "注意: 明天发货"',
        ),
        (
            r"could not find expected ':'",
            "context",
            "a line without 'key: value': add the colon after the key, or, if the line "
            "continues the text above, put that text in quotes",
        ),
        (
            r"quoted scalar.*(end of stream|document (indicator|separator))",
            "context",
            "a quote is not closed: end the text with the same quote mark (\" or ') it starts with",
        ),
        (
            r"tab character|'\\t' that cannot start",
            "problem",
            "a tab character: indent with spaces only",
        ),
        (
            r"found unknown escape character",
            "problem",
            'an unknown backslash escape inside "...": write \\\\ for a backslash, '
            "or use single quotes '...'",
        ),
        (
            r"flow sequence.*expected ',' or '\]'",
            "problem",
            "the list in [...] opened on line {opened} is not closed: end it with ']'; an item with a comma, colon or # "
            "inside needs quotes",
        ),
        (
            r"flow mapping.*expected ',' or '\}'",
            "problem",
            "the mapping in {...} opened on line {opened} is not closed: end it with '}'; a text with a comma, colon or # "
            "inside needs quotes",
        ),
        (
            r"block mapping.*(expected key|expected <block end>)",
            "problem",
            "the indentation does not match the lines above: keys of one mapping start in "
            "the same column (indent with spaces)",
        ),
        (
            r"block collection.*(expected '-' indicator|expected <block end>)",
            "problem",
            "a list item must start with '- ' in the same column as the items above it",
        ),
        (
            r"undefined alias|while scanning an (alias|anchor)",
            "problem",
            "a value starting with '*' or '&' needs quotes (in YAML they name a copied value)",
        ),
        (
            r"expected (the )?node content",
            "problem",
            "a value is missing here, or starts with a character that needs quotes "
            "(one of { } [ ] , : # & * ! | > ' \" % @ `)",
        ),
        (
            r"directive",
            "problem",
            "a line starting with '%' is read as a YAML directive: put the text in quotes",
        ),
        (
            r"single document",
            "problem",
            "a '---' line starts a second document, and a file holds one: remove the line, "
            "or move what follows to a file of its own",
        ),
    )
)


def _plain_words(
    exc: yaml.MarkedYAMLError, text: str, keys: Set[str] = frozenset()
) -> tuple[Any, str]:
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
            return mark, f"a tab character: indent with spaces only ({original})"
        if char:
            return mark, (
                f"a value cannot start with {char!r}: put the value in quotes ({original})"
            )
    mark = exc.problem_mark
    after_quote = mark is not None and _char_at(text, mark, before=True) in ("'", '"')
    if after_quote and re.search(r"parsing a block (mapping|collection)", original):
        # `c: "x` after an unclosed quote: the quote ran on to the next one.
        return mark, (
            "text goes on after a closing quote: a quote opened earlier may not be closed, "
            f"or a value with quotes inside needs other quotes around it ({original})"
        )
    for pattern, where, message in _PLAIN:
        if pattern.search(original):
            mark = exc.context_mark if where == "context" else exc.problem_mark
            opened = exc.context_mark.line + 1 if exc.context_mark else "?"
            said = message.replace("{opened}", str(opened))
            return mark or exc.problem_mark or exc.context_mark, f"{said} ({original})"
    return exc.problem_mark or exc.context_mark, original


_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # YAML's line breaks
# A line that starts with a key (after any list dashes): "  - if: {...}", "    goto: x".
_KEY_LINE = re.compile(r"(?P<dash>(?:-[ ]+)*)(?P<key>[A-Za-z_][\w-]*)[ ]*:(?:[ ]|$)")
# A lower-case ASCII name (currency, return_window) reads as a key; a word of a text
# seldom looks like one before a colon, and the message says what to do if it is.
_KEY_WORD = re.compile(r"[a-z][a-z0-9_]*")
_INDENT_RULE = "keys of one mapping start in the same column (indent with spaces)"


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
) -> tuple[_Mark, str] | None:
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
        return at, (
            f"the indentation does not match the lines above: '{here.key}' is indented more "
            f"than '{outer.key}' on line {outer.line + 1}; {_INDENT_RULE}, or, if this line "
            f"continues the text above, put that text in quotes ({original})"
        )
    if re.search(r"block collection.*expected '-' indicator", original):
        # The reader is in a list whose dashes stand in this key's column.
        items = [k for k in above if k.indent == here.column and k.column > here.column]
        if items:  # a list of mappings: this key belongs to an item, or starts one
            sibling = next(k for k in above if k.column == items[0].column)
            return at, (
                f"the indentation does not match the lines above: '{here.key}' lines up "
                f"with the '-' of the list items above; if it belongs to the item above, "
                f"indent it like '{sibling.key}' on line {sibling.line + 1}; if it starts a "
                f"new item, begin it with '- ' ({original})"
            )
        if outer is None:
            return None
        return at, (
            f"the indentation does not match the lines above: '{here.key}' is indented like "
            f"the items of the list above; {_INDENT_RULE}: line it up with '{outer.key}' on "
            f"line {outer.line + 1} ({original})"
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


def _convert(
    loader: Any, node: yaml.Node, path: Path, pos: dict, depth: int, budget: _Budget
) -> Any:
    """Turn a composed node into plain data, recording positions."""
    if depth > MAX_DEPTH:
        raise yaml.MarkedYAMLError(problem="nesting is too deep", problem_mark=node.start_mark)
    pos[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if node.tag not in _ALLOWED_TAGS:
        raise yaml.MarkedYAMLError(
            problem=f"the tag {node.tag!r} is not allowed here", problem_mark=node.start_mark
        )
    if isinstance(node, yaml.CollectionNode):
        if id(node) in budget.seen:  # the same node again: an alias
            budget.aliases += 1
            if budget.aliases > MAX_ALIASES:
                raise yaml.MarkedYAMLError(
                    problem=f"too many aliases (more than {MAX_ALIASES}); anchors and aliases are limited",
                    problem_mark=node.start_mark,
                )
        budget.seen.add(id(node))
    if len(pos) > MAX_NODES:
        raise yaml.MarkedYAMLError(
            problem=f"document expands to more than {MAX_NODES} values (alias bomb?)",
            problem_mark=node.start_mark,
        )
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str | int):
                raise yaml.MarkedYAMLError(
                    problem="a key must be a plain word", problem_mark=key_node.start_mark
                )
            skey = str(key)
            if skey in out:
                first = pos[(*path, skey)][0]
                raise yaml.MarkedYAMLError(
                    problem=f"duplicate key '{skey}' (also on line {first}): a key is written "
                    "once in a mapping; remove one, or rename it",
                    problem_mark=key_node.start_mark,
                )
            out[skey] = _convert(loader, value_node, (*path, skey), pos, depth + 1, budget)
            pos[(*path, skey)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(loader, n, (*path, i), pos, depth + 1, budget)
            for i, n in enumerate(node.value)
        ]
    return _scalar(loader, node)


_STR = "tag:yaml.org,2002:str"
_WHAT = {"tag:yaml.org,2002:int": "number", "tag:yaml.org,2002:timestamp": "date"}


def _scalar(loader: Any, node: yaml.Node) -> Any:
    """Resolve a scalar node with SafeLoader's rules (no Python objects)."""
    if not isinstance(node, yaml.ScalarNode):
        return None
    if node.tag == _STR:
        return node.value  # the common case, without the constructor's bookkeeping
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, OverflowError) as exc:  # 2026-13-45, 0x_
        what = _WHAT.get(node.tag, "value")
        raise yaml.MarkedYAMLError(
            problem=f"'{node.value}' is not a valid {what} ({exc})", problem_mark=node.start_mark
        ) from None


class _Unusual(Exception):
    """The document needs the general reader: an anchor, alias, tag or error."""


# The loader's implicit resolvers by first character of a plain scalar (numbers,
# true/false, null, dates...): a plain scalar no resolver claims is a string.
# Wildcard or path resolvers would need the loader's own ``resolve``.
_RESOLVERS = {k: tuple(v) for k, v in _Loader.yaml_implicit_resolvers.items() if v}
_ALWAYS_RESOLVE = None in _Loader.yaml_implicit_resolvers or bool(_Loader.yaml_path_resolvers)
_BOOL_TAG = "tag:yaml.org,2002:bool"
_INT_TAG = "tag:yaml.org,2002:int"
_NULL_TAG = "tag:yaml.org,2002:null"
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")  # what the int constructor reads as int()


def _plain(loader: Any) -> tuple[Any, dict[Path, tuple[int, int]]]:
    """Data and positions of a plain document, straight from libyaml's events.

    Gives exactly what composing and ``_convert`` give (the same resolver and
    constructors, the same positions: a mapping value is placed at its key),
    but raises ``_Unusual`` on anything the general reader must judge: an
    anchor, alias or explicit tag, a key that is not a plain scalar, a
    duplicate key, a tag outside the safe list, too deep or too many values,
    more than one document, or any parser error.
    """
    get = loader.get_event
    if type(get()) is not yaml.StreamStartEvent:
        raise _Unusual
    if type(get()) is not yaml.DocumentStartEvent:
        raise _Unusual  # an empty stream, too: rare, and the general reader knows it
    scalar, map_start, seq_start = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    map_end, seq_end, scalar_node = yaml.MappingEndEvent, yaml.SequenceEndEvent, yaml.ScalarNode
    resolve, construct, bools = loader.resolve, loader.construct_object, loader.bool_values
    doc_end, resolvers, always = yaml.DocumentEndEvent, _RESOLVERS, _ALWAYS_RESOLVE
    pos: dict[Path, tuple[int, int]] = {}
    stack: list[tuple[Any, Path, bool]] = []
    root: Any = None
    container: Any = None  # the open mapping or list (None: the root, then the end)
    path: Path = ()
    is_map = False
    key: str | None = None  # in a mapping: the key whose value comes next
    key_at = (0, 0)
    done = False  # the root value is complete
    while True:
        ev = get()
        kind = type(ev)
        # Where the next value goes, and its position (a mapping value's is its key's).
        if is_map:
            if key is None:
                if kind is scalar:
                    if ev.tag is not None or ev.anchor is not None:
                        raise _Unusual
                    key = ev.value
                    if key in container:
                        raise _Unusual
                    mark = ev.start_mark
                    key_at = (mark.line + 1, mark.column + 1)
                    continue
                if kind is map_end:
                    container, path, is_map = stack.pop()
                    continue
                raise _Unusual
            child: Path = (*path, key)
            at = key_at
        elif container is not None:
            if kind is seq_end:
                container, path, is_map = stack.pop()
                key = None
                continue
            child = (*path, len(container))
            mark = ev.start_mark
            at = (mark.line + 1, mark.column + 1)
        elif done:
            if kind is doc_end:
                break
            raise _Unusual
        else:
            child = ()
            mark = ev.start_mark
            at = (mark.line + 1, mark.column + 1)
        if kind is scalar:
            if ev.tag is not None or ev.anchor is not None:
                raise _Unusual
            value = ev.value
            if ev.implicit[0]:  # plain: the resolvers decide (Resolver.resolve's rules)
                if always:
                    tag = resolve(scalar_node, value, ev.implicit)
                else:
                    tag = _STR
                    for rtag, regex in resolvers.get(value[:1], ()):
                        if regex.match(value):
                            tag = rtag
                            break
                if tag == _STR:
                    pass
                elif tag == _BOOL_TAG:
                    value = bools[value.lower()]  # SafeConstructor.construct_yaml_bool
                elif tag == _NULL_TAG:
                    value = None
                elif tag == _INT_TAG and _DECIMAL.match(value):
                    value = int(value)
                elif tag in _ALLOWED_TAGS:
                    node = scalar_node(tag, value, ev.start_mark, ev.end_mark)
                    value = construct(node, deep=True)
                else:
                    raise _Unusual
            pos[child] = at
            if is_map:
                container[key] = value
                key = None
            elif container is not None:
                container.append(value)
            else:
                root, done = value, True
            continue
        if kind is not map_start and kind is not seq_start:
            raise _Unusual
        # A container's children would be deeper than MAX_DEPTH: the general
        # reader decides (an empty one is allowed there).
        if ev.tag is not None or ev.anchor is not None or len(stack) >= MAX_DEPTH:
            raise _Unusual
        if len(pos) > MAX_NODES:
            raise _Unusual
        pos[child] = at
        value = {} if kind is map_start else []
        if is_map:
            container[key] = value
            key = None
        elif container is not None:
            container.append(value)
        else:
            root, done = value, True
        stack.append((container, path, is_map))
        container, path, is_map = value, child, kind is map_start
    if type(get()) is not yaml.StreamEndEvent or len(pos) > MAX_NODES:
        raise _Unusual
    return root, pos


def check_keys(
    doc: YamlDoc,
    path: Path,
    value: dict,
    allowed: Set[str],
    required: Set[str] = frozenset(),
) -> list[YamlProblem]:
    """Unknown keys (with a did-you-mean hint) and missing required keys."""
    keys = value.keys()
    if keys <= allowed and required <= keys:
        return []  # the common case, without building anything
    problems = []
    meant: set[str] = set()  # required keys a misspelling stands for
    for key in value:
        if key not in allowed:
            hint = get_close_matches(key, sorted(allowed), n=1)
            extra = (
                f" — did you mean '{hint[0]}'?"
                if hint
                else f" (allowed: {', '.join(sorted(allowed))})"
            )
            meant.update(hint)
            problems.append(doc.problem((*path, key), f"unknown key '{key}'{extra}"))
    # "modle_reply" is one slip, not also a missing model_reply
    for key in sorted(required - value.keys() - meant):
        problems.append(doc.problem(path, f"missing required key '{key}'"))
    return problems
