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

from scoring.problems import Said, YamlError, YamlProblem
from scoring.yaml_advice import plain_words

__all__ = ["MAX_BYTES", "Said", "YamlDoc", "YamlError", "YamlProblem", "check_keys", "parse"]

MAX_BYTES = 1_000_000
MAX_ALIASES = 50
MAX_DEPTH = 40
MAX_NODES = 100_000

Path = tuple[str | int, ...]
_ALLOWED_TAGS = {
    f"tag:yaml.org,2002:{t}"
    for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
}


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

    def problem(self, path: Path, message: Said | str) -> YamlProblem:
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
        raise YamlError([YamlProblem(file, 1, 1, Said.of("yaml.too_large", limit=MAX_BYTES))])
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
    except _Refused as exc:
        at = exc.problem_mark
        line, col = (at.line + 1, at.column + 1) if at else (1, 1)
        raise YamlError([YamlProblem(file, line, col, exc.said)]) from None
    except yaml.MarkedYAMLError as exc:
        mark, message = plain_words(exc, text, keys)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlError([YamlProblem(file, line, col, message)]) from None
    except yaml.YAMLError as exc:
        raise YamlError([YamlProblem(file, 1, 1, str(exc))]) from None
    finally:
        loader.dispose()
    return YamlDoc(file, data, positions)


def _convert(
    loader: Any, node: yaml.Node, path: Path, pos: dict, depth: int, budget: _Budget
) -> Any:
    """Turn a composed node into plain data, recording positions."""
    if depth > MAX_DEPTH:
        raise _Refused(node, "yaml.too_deep")
    pos[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if node.tag not in _ALLOWED_TAGS:
        raise _Refused(node, "yaml.tag", tag=repr(node.tag))
    if isinstance(node, yaml.CollectionNode):
        if id(node) in budget.seen:  # the same node again: an alias
            budget.aliases += 1
            if budget.aliases > MAX_ALIASES:
                raise _Refused(node, "yaml.aliases", limit=MAX_ALIASES)
        budget.seen.add(id(node))
    if len(pos) > MAX_NODES:
        raise _Refused(node, "yaml.bomb", limit=MAX_NODES)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str | int):
                raise _Refused(key_node, "yaml.plain_key")
            skey = str(key)
            if skey in out:
                first = pos[(*path, skey)][0]
                raise _Refused(key_node, "yaml.duplicate_key", key=skey, line=first)
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


class _Refused(yaml.MarkedYAMLError):
    """What this reader refuses (too deep, a duplicate key...), said at a node."""

    def __init__(self, node: yaml.Node, key: str, /, **values: Any) -> None:
        super().__init__(problem=key, problem_mark=node.start_mark)
        self.said = Said.of(key, **values)


def _scalar(loader: Any, node: yaml.Node) -> Any:
    """Resolve a scalar node with SafeLoader's rules (no Python objects)."""
    if not isinstance(node, yaml.ScalarNode):
        return None
    if node.tag == _STR:
        return node.value  # the common case, without the constructor's bookkeeping
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, OverflowError) as exc:  # 2026-13-45, 0x_
        what = Said.of(f"yaml.what.{_WHAT.get(node.tag, 'value')}")
        raise _Refused(
            node, "yaml.bad_scalar", value=node.value, what=what, reason=str(exc)
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
            said = (
                Said.of("yaml.unknown_key_hint", key=key, hint=hint[0])
                if hint
                else Said.of("yaml.unknown_key", key=key, allowed=", ".join(sorted(allowed)))
            )
            meant.update(hint)
            problems.append(doc.problem((*path, key), said))
    # "modle_reply" is one slip, not also a missing model_reply
    for key in sorted(required - value.keys() - meant):
        problems.append(doc.problem(path, Said.of("yaml.missing_key", key=key)))
    return problems
