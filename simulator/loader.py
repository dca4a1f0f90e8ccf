"""Scenario and set files -> checked values, with every problem as FILE:LINE:COL.

The shell around ``simulator.scenario``: it reads files (UTF-8, size-limited,
safe YAML), finds the built-in library, checks ids across files, lints model
replies against each scenario's policy card, and runs scenarios' self-tests.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Collection, Iterable, Set
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from scoring import resources
from scoring.rubric import default_rubric, default_rubric_for
from scoring.yamldoc import MAX_BYTES, YamlDoc, YamlError, YamlProblem, parse
from simulator.said import AppSaid, Said, said
from simulator.scenario import KEYS as SCENARIO_KEYS
from simulator.scenario import Reading, Scenario, read_scenario
from simulator.selftest import model_reply_problems, scenario_test_problems
from simulator.selftest import run_test as run_test  # re-exported: loader.run_test
from simulator.set_parse import SET_KEYS, parse_set, unknown_scenarios

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

    from simulator.store.base import Paper

_T = TypeVar("_T")


@dataclass(frozen=True)
class ScenarioSet:
    """An ordered list of scenarios a supervisor assigns."""

    id: str
    title: dict
    purpose: dict
    pass_mark: int
    scenarios: tuple[str, ...]
    file: str


@dataclass
class Library:
    """Everything loaded from some paths, and every problem found."""

    scenarios: dict[str, Scenario] = field(default_factory=dict)
    sets: dict[str, ScenarioSet] = field(default_factory=dict)
    problems: list[YamlProblem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    docs: dict[str, YamlDoc] = field(default_factory=dict)
    broken: set[str] = field(default_factory=set)  # scenarios with problems
    # The self-tests that can run despite a scenario's problems, by scenario (see
    # simulator.scenario.read_scenario), and notes on those that cannot.
    runnable: dict[str, tuple[int, ...]] = field(default_factory=dict)
    skipped: list[YamlProblem] = field(default_factory=list)
    papers: dict[str, Paper] = field(default_factory=dict)  # published ones: simulator.papers
    set_docs: list[YamlDoc] = field(default_factory=list)  # every set file read, clean or not


def library_root() -> Path:
    """The built-in scenarios folder (checkout or installed wheel)."""
    return resources.data_root()


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# The keys of scenario and set files: the YAML reader tells a key indented too far
# from a colon inside a text with them.
AUTHOR_KEYS = frozenset({*SCENARIO_KEYS, *SET_KEYS})


def read_doc(path: Path, keys: Set[str] = AUTHOR_KEYS) -> YamlDoc:
    """Read and parse one YAML file; raise YamlError naming the file. ``keys``: the
    keys of the kind of file it is (default: a scenario's or a set's)."""
    name = _display(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        unread = said("file.cannot_read", reason=exc.strerror)
        raise YamlError([YamlProblem(name, 1, 1, unread)]) from None
    if len(raw) > MAX_BYTES:
        raise YamlError([YamlProblem(name, 1, 1, Said.of("yaml.too_large", limit=MAX_BYTES))])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        # Columns count characters, as YAML's do; what precedes the bad byte decodes.
        col = len(raw[raw.rfind(b"\n", 0, exc.start) + 1 : exc.start].decode("utf-8")) + 1
        not_utf8 = said("file.not_utf8", byte=f"{raw[exc.start]:02x}")
        raise YamlError([YamlProblem(name, line, col, not_utf8)]) from None
    return parse(text, name, keys=keys)


SCRIPTS = "scripts"


def is_script_file(path: Path, walked: Path | None = None) -> bool:
    """Whether ``path`` is a script set (simulator.drill_loader), not a scenario.

    The rule: its folder is named ``scripts``; when found by walking the
    folder ``walked``, also any file below a ``scripts`` folder (``walked``
    itself included).
    """
    if path.parent.name == SCRIPTS:
        return True
    if walked is None:
        return False
    return SCRIPTS in (walked.name, *path.relative_to(walked).parts[:-1])


YAML_SUFFIXES = (".yaml", ".yml")


def yaml_files(folder: Path) -> list[Path]:
    """Every YAML file under ``folder`` (``.yaml`` or ``.yml``, in any case), sorted;
    files in a ``rubric`` folder below it (the scorer's rules) are left out."""
    return sorted(
        f
        for f in folder.rglob("*")
        if f.suffix.lower() in YAML_SUFFIXES
        and "rubric" not in f.relative_to(folder).parts[:-1]
        and f.is_file()
    )


def expand(paths: Iterable[Path]) -> list[Path]:
    """Scenario and set files under the given files and folders (rubric and script
    files skipped)."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += [f for f in yaml_files(p) if not is_script_file(f, p)]
        elif not is_script_file(p):
            out.append(p)
    return out


def empty_folders(paths: Iterable[Path], *, scripts: bool = True) -> list[YamlProblem]:
    """A problem for each folder among ``paths`` that holds nothing to check: no
    scenario or set file (and, with ``scripts``, no script set either). A wrong
    folder, or files named otherwise, must not pass as "ok"."""
    out = []
    for p in paths:
        if not p.is_dir():
            continue
        found = [f for f in yaml_files(p) if scripts or not is_script_file(f, p)]
        if not found:
            nothing = said("file.empty_folder" if scripts else "file.empty_folder_no_scripts")
            out.append(YamlProblem(_display(p), 0, 0, nothing))
    return out


PARALLEL_FROM = 100  # files; below this, worker start-up costs more than it saves
_CHUNK = 16  # files per task handed to a worker: small enough to keep every core busy
_LINT_CRITERIA = frozenset({"remedy", "specific"})  # what model_reply_problems reads


@dataclass
class _Loaded:
    """One file's outcome, computed in a worker process when there are many."""

    display: str
    is_set: bool
    doc: YamlDoc | None = None
    scenario: Scenario | None = None
    problems: list[YamlProblem] = field(default_factory=list)
    runnable: tuple[int, ...] = ()  # the self-tests that can run
    skipped: list[YamlProblem] = field(default_factory=list)  # notes on those that cannot
    tests_skipped: int = 0


def _load_file(path: Path, slim: bool = True) -> _Loaded:
    """Read and check one file; ``slim``: keep only the positions later checks use."""
    out = _Loaded(_display(path), path.parent.name == "sets")
    if not path.exists():
        out.problems.append(YamlProblem(out.display, 1, 1, said("file.missing")))
        return out
    try:
        out.doc = read_doc(path)
    except YamlError as exc:
        out.problems.extend(exc.problems)
        return out
    if out.is_set:
        return out
    reading = read_scenario(out.doc)
    scenario, problems = reading.scenario, reading.problems
    out.scenario, out.problems = scenario, problems
    out.runnable, out.skipped = reading.runnable_tests(), skipped_tests(reading, out.doc)
    out.tests_skipped = reading.tests_written - len(out.runnable)
    if scenario is None:
        return out
    if scenario.id and path.stem != scenario.id:
        problems.append(
            out.doc.problem(("id",), said("file.id_name", id=scenario.id, stem=path.stem))
        )
    problems.extend(model_reply_problems(scenario, out.doc))
    if slim:
        # Later checks only point at top-level keys and tests: ship a slim copy
        # of the position table back from the worker.
        out.doc = YamlDoc(
            out.doc.file, out.doc.data, {k: v for k, v in out.doc.positions.items() if len(k) <= 2}
        )
    return out


def skipped_tests(reading: Reading, doc: YamlDoc) -> list[YamlProblem]:
    """A note for the self-tests a scenario's problems keep from running (not problems
    of their own: the problems that keep them are reported)."""
    scenario = reading.scenario
    if scenario is not None and not reading.untestable:
        return [
            doc.problem(("tests", i), said("test.not_run", test=scenario.tests[i].name or i + 1))
            for i in sorted(reading.bad_tests)
            if i < len(scenario.tests)
        ]
    count = reading.tests_written
    if not count:
        return []
    why = "unreadable" if scenario is None else "unplayable"
    return [doc.problem(("tests",), said(f"test.none_run_{why}", n=count))]


def _fork_context() -> BaseContext | None:
    """``fork`` where it is safe and available (workers inherit what the parent
    has imported and compiled instead of starting afresh), else the default."""
    import multiprocessing as mp

    if sys.platform == "linux" and "fork" in mp.get_all_start_methods():
        return mp.get_context("fork")
    return None


def _map_files(fn: Callable[[Path], _T], files: list[Path], jobs: int) -> list[_T]:
    """``fn`` over ``files``, in order: on ``jobs`` processes when there are many files."""
    if jobs <= 1 or len(files) < PARALLEL_FROM:
        return [fn(f) for f in files]
    from concurrent.futures import ProcessPoolExecutor  # here: one process needs none of it

    default_rubric_for(_LINT_CRITERIA)  # compiled once here; forked workers inherit it
    # What exists now is shared with the forked workers: keeping it out of their
    # garbage collections saves time and copy-on-write memory.
    gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=_fork_context()) as pool:
            chunk = max(1, min(_CHUNK, len(files) // (jobs * 4)))
            return list(pool.map(fn, files, chunksize=chunk))
    finally:
        gc.unfreeze()


def _jobs(jobs: int | None) -> int:
    return jobs if jobs is not None else (os.cpu_count() or 1)


def load(
    paths: Iterable[Path] | None = None,
    jobs: int | None = None,
    *,
    known: Collection[str] = (),
) -> Library:
    """Load scenarios and sets from ``paths`` (default: the built-in library).

    Many files are parsed and checked on ``jobs`` processes (default: every core).
    ``known``: scenario ids that sets may name besides those loaded here (the
    installed or published ones, when publishing sets).
    """
    lib = Library()
    files = expand(paths if paths is not None else [library_root()])
    loaded = _map_files(_load_file, files, _jobs(jobs))
    for item in loaded:
        lib.files.append(item.display)
        lib.problems.extend(item.problems)
        if item.is_set and item.doc is not None and not item.problems:
            load_set_doc(lib, item.doc)
        elif item.scenario is not None:
            _add_scenario(lib, item)
    _check_sets(lib, {*lib.scenarios, *known})
    return lib


@dataclass(frozen=True)
class Installed:
    """The installed library's scenario and set ids, each with its file (resolved)."""

    scenarios: dict[str, Path]
    sets: dict[str, Path]


def installed_ids() -> Installed:
    """The ids of the installed library, read from its files without checking them
    (``kefu validate`` with no paths does that): what a team's own files may not reuse
    and what their sets may name."""
    out = Installed({}, {})
    for path in expand([library_root()]):
        try:
            data = read_doc(path).data
        except YamlError:
            continue
        item_id = data.get("id") if isinstance(data, dict) else None
        if isinstance(item_id, str):
            found = out.sets if path.parent.name == "sets" else out.scenarios
            found.setdefault(item_id, path.resolve())
    return out


def installed_clash(kind: str, item_id: str, file: Path | None, index: Installed) -> AppSaid | None:
    """Why ``item_id`` may not name a team's own ``kind`` ("scenario" or "set"), or None.

    Under an installed id, kefu (``kefu run ID``, the app, assignments) uses the
    installed one, so another file may not take it. ``file``: the file being
    checked, which is no clash when it is that installed file itself (validating
    the library); None: any file clashes (publishing).
    """
    where = index.scenarios if kind == "scenario" else index.sets
    installed = where.get(item_id)
    if installed is None or (file is not None and file.resolve() == installed):
        return None
    return said(f"file.installed_{kind}", id=item_id)


@dataclass
class Verdict:
    """What ``kefu validate`` reports about some paths (see ``check``)."""

    files: list[str] = field(default_factory=list)
    scenarios: list[str] = field(default_factory=list)  # ids, in file order
    sets: list[str] = field(default_factory=list)
    problems: list[YamlProblem] = field(default_factory=list)  # what ``load`` finds
    test_problems: list[YamlProblem] = field(default_factory=list)  # failing self-tests
    tests: int = 0  # self-tests run (or, with run_tests false, that would run)
    skipped: list[YamlProblem] = field(default_factory=list)  # notes: self-tests not run
    tests_skipped: int = 0  # self-tests the scenarios' problems keep from running


@dataclass
class _Checked:
    """One file's verdict: small, as it crosses from a worker to the parent."""

    display: str
    problems: list[YamlProblem]
    tests_skipped: int = 0  # self-tests its problems keep from running
    skipped: list[YamlProblem] = field(default_factory=list)  # notes on them
    set_doc: YamlDoc | None = None  # a set file without problems
    sid: str | None = None  # a scenario that parsed (perhaps with problems)
    id_at: tuple[int, int] = (1, 1)
    tests: int = 0  # self-tests that can run
    test_problems: list[YamlProblem] = field(default_factory=list)


def _check_file(path: Path, run_tests: bool) -> _Checked:
    item = _load_file(path, slim=False)  # the document stays here: no need to slim it
    out = _Checked(item.display, item.problems, item.tests_skipped, item.skipped)
    if item.is_set and item.doc is not None and not item.problems:
        out.set_doc = item.doc
    elif item.scenario is not None and item.doc is not None:
        s, doc = item.scenario, item.doc
        out.sid, out.id_at, out.tests = s.id, doc.where(("id",)), len(item.runnable)
        if run_tests:
            out.test_problems = scenario_test_problems(s, doc, item.runnable)
    return out


def check(
    paths: Iterable[Path] | None = None,
    jobs: int | None = None,
    run_tests: bool = True,
    *,
    published: Callable[[], Collection[str]] | None = None,
) -> Verdict:
    """Every problem ``load`` finds, plus failing self-tests (``test_problems``) if
    ``run_tests``, in the same order; for ``kefu validate``.

    Files other than the installed library's are held to what ``kefu publish``
    wants of them: no installed id is reused (``installed_clash``), and a set may
    name the installed scenarios and, asked only when a set names an id found
    nowhere else, the ``published`` ones.

    The self-tests run next to the loading, on ``jobs`` processes when there are
    many files, and only verdicts travel back, not the scenarios.
    """
    files = expand(paths if paths is not None else [library_root()])
    jobs = _jobs(jobs)
    if run_tests and jobs > 1 and len(files) >= PARALLEL_FROM:
        default_rubric()  # compiled once here; forked workers inherit it
    checked = _map_files(partial(_check_file, run_tests=run_tests), files, jobs)
    index = installed_ids() if paths is not None else None
    out, lib = Verdict(), Library()
    ids: dict[str, str] = {}
    for path, item in zip(files, checked, strict=True):
        out.files.append(item.display)
        lib.problems.extend(item.problems)
        if item.set_doc is not None:
            load_set_doc(lib, item.set_doc)
        elif item.sid is not None:
            if item.sid in ids:
                lib.problems.append(
                    YamlProblem(
                        item.display,
                        *item.id_at,
                        said("file.duplicate_scenario", id=item.sid, other=ids[item.sid]),
                    )
                )
            else:
                clash = installed_clash("scenario", item.sid, path, index) if index else None
                if clash:
                    lib.problems.append(YamlProblem(item.display, *item.id_at, clash))
                ids[item.sid] = item.display
                out.scenarios.append(item.sid)
            # A file whose id is taken still ran its own self-tests: report them.
            out.tests += item.tests
            out.test_problems.extend(item.test_problems)
        out.tests_skipped += item.tests_skipped
        out.skipped.extend(item.skipped)
    if index is None:
        _check_sets(lib, ids.keys())
    else:
        for s in lib.sets.values():
            clash = installed_clash("set", s.id, Path(s.file), index)
            if clash:
                lib.problems.append(lib.docs[f"set:{s.id}"].problem(("id",), clash))
        _check_sets(lib, {*ids, *index.scenarios}, published)
    out.sets = list(lib.sets)
    out.problems = lib.problems
    return out


def _add_scenario(lib: Library, item: _Loaded) -> None:
    scenario, doc = item.scenario, item.doc
    assert scenario is not None and doc is not None
    if scenario.id in lib.scenarios:
        other = lib.scenarios[scenario.id].file
        lib.problems.append(
            doc.problem(("id",), said("file.duplicate_scenario", id=scenario.id, other=other))
        )
        return
    if any(p.file == doc.file for p in item.problems):
        lib.broken.add(scenario.id)
    lib.runnable[scenario.id] = item.runnable
    lib.skipped.extend(item.skipped)
    lib.scenarios[scenario.id] = scenario
    lib.docs[scenario.id] = doc


def load_set_doc(lib: Library, doc: YamlDoc, *, published: bool = False) -> None:
    """Check a set document and add it to ``lib`` (its problems go to ``lib.problems``).

    A set file's id must equal its file name; ``published``: a set stored by
    ``kefu publish``, named by its id and perhaps from before purpose was required.
    """
    stem = None if published else Path(doc.file).stem
    fields, problems = parse_set(doc, file_stem=stem, published=published)
    lib.set_docs.append(doc)
    lib.problems.extend(problems)
    if problems:
        return
    item = ScenarioSet(
        fields.id, fields.title, fields.purpose, fields.pass_mark, fields.scenarios, doc.file
    )
    if item.id in lib.sets:
        lib.problems.append(doc.problem(("id",), said("file.duplicate_set", id=item.id)))
    lib.sets[item.id] = item
    lib.docs[f"set:{item.id}"] = doc


def _check_sets(
    lib: Library,
    scenario_ids: Collection[str],
    more: Callable[[], Collection[str]] | None = None,
) -> None:
    """Sets' unknown scenario ids; ``more``: further ids (the published ones), asked
    for only when some set names an id ``scenario_ids`` lacks."""
    if not scenario_ids:
        return  # validating sets alone: scenario ids cannot be checked
    found = [unknown_scenarios(doc, scenario_ids) for doc in lib.set_docs]
    if more is not None and any(found):
        known = {*scenario_ids, *more()}
        found = [unknown_scenarios(doc, known) for doc in lib.set_docs]
    for problems in found:
        lib.problems.extend(problems)


def test_problems(lib: Library) -> list[YamlProblem]:
    """Run every scenario's self-tests that can run; failures as positioned problems
    (``lib.skipped`` notes the others)."""
    out = []
    for sid, s in lib.scenarios.items():
        out.extend(scenario_test_problems(s, lib.docs[sid], lib.runnable.get(sid, ())))
    return out


def find_scenario(ref: str) -> tuple[Scenario | None, list[YamlProblem]]:
    """A scenario by file path or by id in the built-in library."""
    path = Path(ref)
    if path.suffix in (".yaml", ".yml") or path.exists():
        lib = load([path])
        scenarios = list(lib.scenarios.values())
        return (scenarios[0] if scenarios else None), lib.problems
    lib = load()
    if ref in lib.scenarios:
        return lib.scenarios[ref], []
    return None, []


def unknown_scenario(ref: str) -> str:
    """What to say of an id the library does not hold: the nearest ids, if any."""
    from difflib import get_close_matches

    ids = sorted(load().scenarios)
    near = get_close_matches(ref, ids, n=3, cutoff=0.5)
    if near:
        return f"kefu: no scenario '{ref}' in the library — did you mean {', '.join(near)}?"
    shown = ", ".join(ids[:6]) + (f", … ({len(ids)} in all)" if len(ids) > 6 else "")
    return f"kefu: no scenario '{ref}' in the library; its ids: {shown}"
