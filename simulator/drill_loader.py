"""Script set files -> checked ScriptSets, with every problem as FILE:LINE:COL.

The shell around ``simulator.drill_parse``. A YAML file is a script set when
it lives in a folder named ``scripts`` (see ``loader.is_script_file``); the
built-in sets are in ``scenarios/scripts/`` of a checkout or of the wheel.
Besides the parser's checks it wants each set's id to match its file name,
ids to be unique across files, and every answer to score as its item's
``expect`` says.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from scoring.yamldoc import YamlDoc, YamlError, YamlProblem
from simulator import loader
from simulator.said import said

if TYPE_CHECKING:
    from simulator.drill import ScriptSet

# The drill modules load with the first script set: ``kefu validate`` on a
# folder of scenarios never needs them.

SCRIPTS = loader.SCRIPTS


@dataclass
class ScriptLibrary:
    """Script sets loaded from some paths, and every problem found."""

    sets: dict[str, ScriptSet] = field(default_factory=dict)
    problems: list[YamlProblem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def script_root() -> Path:
    """The built-in script sets folder (checkout or installed wheel)."""
    return loader.library_root() / SCRIPTS


def expand_scripts(paths: Iterable[Path]) -> list[Path]:
    """Script set files among the given files and folders (see ``loader.is_script_file``)."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += [f for f in loader.yaml_files(p) if loader.is_script_file(f, p)]
        elif loader.is_script_file(p):
            out.append(p)
    return out


def expect_problems(script_set: ScriptSet, doc: YamlDoc) -> list[YamlProblem]:
    """Answers that do not score as their item's ``expect`` says, located at the answer.

    Call it on a set parsed without problems (items are then in file order).
    """
    from simulator.drill import expect_failures

    out = []
    for i, item in enumerate(script_set.items):
        where = {a: ("lines", j) for j, a in reversed(list(enumerate(item.lines)))}
        for j, a in enumerate(item.variants):
            where.setdefault(a, ("variants", j))
        for answer, name, want in expect_failures(item, script_set.channel):
            should = said(f"drill.should_{'pass' if want else 'fail'}", name=name)
            out.append(doc.problem(("items", i, *where[answer]), should))
    return out


def _load(path: Path) -> tuple[ScriptSet | None, list[YamlProblem], YamlDoc | None]:
    from simulator.drill_parse import KEYS, parse_script_set

    name = loader._display(path)
    if not path.exists():
        return None, [YamlProblem(name, 1, 1, said("file.missing"))], None
    try:
        doc = loader.read_doc(path, KEYS)
    except YamlError as exc:
        return None, list(exc.problems), None
    script_set, problems = parse_script_set(doc)
    if script_set is None:
        return None, problems, doc
    if script_set.id and path.stem != script_set.id:
        problems.append(
            doc.problem(("id",), said("file.id_name", id=script_set.id, stem=path.stem))
        )
    if not problems:
        problems.extend(expect_problems(script_set, doc))
    return script_set, problems, doc


def load_script_file(path: Path) -> tuple[ScriptSet | None, list[YamlProblem]]:
    """One script set file, checked (the lines' ``expect`` included)."""
    script_set, problems, _ = _load(path)
    return script_set, problems


def load_scripts(paths: Iterable[Path] | None = None) -> ScriptLibrary:
    """Load script sets from ``paths`` (default: the built-in ``scenarios/scripts/``)."""
    lib = ScriptLibrary()
    if paths is None:
        root = script_root()
        paths = [root] if root.is_dir() else []
    for path in expand_scripts(paths):
        lib.files.append(loader._display(path))
        script_set, problems, doc = _load(path)
        lib.problems.extend(problems)
        if script_set is None or doc is None:
            continue
        if script_set.id in lib.sets:
            other = lib.sets[script_set.id].file
            twice = said("file.duplicate_script_set", id=script_set.id, other=other)
            lib.problems.append(doc.problem(("id",), twice))
            continue
        lib.sets[script_set.id] = script_set
    return lib
