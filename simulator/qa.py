"""Batch QA of chat logs: JSONL conversations in, one scored line out per line.

Input, one conversation per line::

    {"id": "c1", "channel": "chat", "turns": [{"role": "buyer", "text": "...", "at": "..."}]}

Each line is checked (simulator/qa_input.py) and scored on its own, so a broken line is reported as
``FILE:LINE: what is wrong`` and every good line is still scored. Output keeps
the input order; a failed line yields ``{"id": ..., "line": N, "error": ...}``
so output line N always answers input line N. Work is streamed in bounded
batches (flat memory on millions of lines) and spread over ``jobs`` processes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from scoring import score_conversation
from scoring.feedback import localize
from scoring.model import LANGS, ConversationResult, Finding, ReplyResult
from simulator.qa_input import (
    LineError,
    Problem,
    _quoted,
    parse_conversation,
)

BATCH_LINES = 2000
# The encoder json.dumps(..., ensure_ascii=False) would build for every line,
# less the check for circular references (a record is a fresh tree of dicts
# and lists: the output is the same, for less work per container).
_JSON = json.JSONEncoder(ensure_ascii=False, check_circular=False)


class Outcome:
    """The result of one input line: an output record, or an error message.

    The record is also available as its JSON text (``text``, what a JSONL line
    holds); either is made from the other on first use, so results that cross
    from a worker process travel as text, much cheaper to pass than the dict.
    A scored line keeps its ConversationResult instead, and makes the record
    or the text from it, whichever is asked for (JSONL output never builds the
    record: see ``encode_result``).
    """

    __slots__ = ("line", "error", "problem", "warnings", "_record", "_text", "_scored")

    def __init__(
        self,
        line: int,
        record: dict[str, Any] | None,
        error: str | None = None,
        text: str | None = None,
        scored: tuple[Any, ConversationResult, str | None] | None = None,
        problem: Problem | None = None,
        warnings: tuple[Problem, ...] = (),
    ) -> None:
        if record is None and text is None and scored is None:
            raise ValueError("an Outcome needs its record, its text or its result")
        self.line = line
        self.error = error
        # The error in any language (a table in Chinese says it in Chinese).
        self.problem = problem
        # What was scored but looks wrong (time going backwards), for stderr.
        self.warnings = warnings
        self._record = record
        self._text = text
        self._scored = scored

    @property
    def record(self) -> dict[str, Any]:
        if self._record is None:
            if self._scored is not None:
                ident, result, lang = self._scored
                self._record = {"id": ident, **result.to_dict(lang)}
            else:
                self._record = json.loads(self._text)  # type: ignore[arg-type]
        return self._record

    @property
    def text(self) -> str:
        """The record as one line of JSON (no newline)."""
        if self._text is None:
            if self._scored is not None and self._record is None:
                self._text = encode_result(*self._scored)
            else:
                self._text = _JSON.encode(self.record)
        return self._text

    def __repr__(self) -> str:
        return f"Outcome(line={self.line!r}, record={self.record!r}, error={self.error!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Outcome):
            return NotImplemented
        return (self.line, self.record, self.error) == (other.line, other.record, other.error)

    __hash__ = None  # type: ignore[assignment]  # mutable caches, like the dict it holds


# JSON text of the parts of a result that repeat from line to line, so that a
# canned reply scored a thousand times is encoded once. Findings are frozen
# values and key their own entries; a reply's result holds dicts, so it is
# keyed by what its JSON is made of: its findings (which decide its checks,
# with the channel), its verdicts, its remedy and its blame targets. Both
# caches are emptied when full: memory stays flat however long the log.
_CACHE_MAX = 8192
_finding_json: dict[tuple[Finding, str], str] = {}
_reply_json: dict[tuple[Any, ...], str] = {}


def _cached(cache: dict[Any, str], key: Any, record: Callable[[], dict[str, Any]]) -> str:
    """The JSON of ``record()`` without its braces, from ``cache`` under ``key``."""
    body = cache.get(key)
    if body is None:
        if len(cache) >= _CACHE_MAX:
            cache.clear()
        body = cache[key] = _JSON.encode(record())[1:-1]
    return body


def _finding_body(finding: Finding, lang: str) -> str:
    """``finding.to_dict(lang)`` as JSON, without its braces."""
    return _cached(_finding_json, (finding, lang), lambda: finding.to_dict(lang))


def _reply_body(result: ReplyResult, lang: str) -> str:
    """``result.to_dict(lang)`` as JSON, without its braces."""
    key = (
        lang,
        result.channel,
        *result.criteria.items(),
        result.findings,
        result.remedy,
        result.blame_targets,
    )
    return _cached(_reply_json, key, lambda: result.to_dict(lang))


def encode_result(ident: Any, result: ConversationResult, lang: str | None) -> str:
    """``{"id": ident, **result.to_dict(lang)}`` as one line of JSON, exactly
    as the encoder would write it, from cached pieces where they repeat."""
    lang = lang or result.lang
    enc = _JSON.encode
    criteria = []
    for name, crit in result.criteria.items():
        evidence = ", ".join(
            f'{{"turn": {e.turn}, {_finding_body(e.finding, lang)}}}' for e in crit.evidence
        )
        head = f'{enc(name)}: {{"passed": {"true" if crit.passed else "false"}, '
        tail = f', "note": {enc(localize(crit.note, lang))}}}' if crit.note else "}"
        criteria.append(f'{head}"evidence": [{evidence}]{tail}')
    replies = ", ".join(
        f'{{"turn": {r.turn}, {_reply_body(r.result, lang)}}}' for r in result.replies
    )
    feedback = enc([localize(m, lang) for m in result.feedback])
    return (
        f'{{"id": {enc(ident)}, "score": {enc(result.score)}, '
        f'"criteria": {{{", ".join(criteria)}}}, "replies": [{replies}], "feedback": {feedback}}}'
    )


def score_line(
    line_no: int, raw: bytes, lang: str | None, errors_lang: str | None = None
) -> Outcome:
    """Score one raw input line; never raises. A line that can't be scored
    says why in ``errors_lang`` (default: ``lang``, else English)."""
    said = errors_lang or lang or "en"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = LineError("not_utf8", byte=f"{raw[exc.start]:02x}", column=exc.start + 1)
        return _failed(line_no, None, bad, said)
    try:
        conv = parse_conversation(text)
    except LineError as exc:
        return _failed(line_no, _best_id(text), exc, said)
    result = score_conversation(
        conv["turns"], channel=conv["channel"], response_target_s=conv["response_target_s"]
    )
    warnings = tuple(_slip(conv["turns"], s.turn, s.before) for s in result.time_slips)
    return Outcome(line_no, None, scored=(conv["id"], result, lang), warnings=warnings)


def _slip(turns: list[dict[str, Any]], turn: int, before: int) -> Problem:
    """Turn ``turn`` timed before turn ``before``, with the times as written."""

    def at(i: int) -> str:
        value = turns[i]["at"]
        return _quoted(value) if isinstance(value, str) else json.dumps(value)

    values = {"where": f"turns[{turn}]", "at": at(turn), "before": f"turns[{before}]"}
    return Problem("warning.time_backwards", (*values.items(), ("before_at", at(before))))


def _failed(line_no: int, ident: Any, exc: LineError, lang: str) -> Outcome:
    msg = exc.problem.text(lang)
    return Outcome(line_no, {"id": ident, "line": line_no, "error": msg}, msg, problem=exc.problem)


def _best_id(text: str) -> Any:
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, ValueError):
        return None
    return data.get("id") if isinstance(data, dict) else None


_Row = tuple[int, str, str | None, Problem | None, tuple[Problem, ...]]


def _score_batch(
    batch: list[tuple[int, bytes]], lang: str | None, errors_lang: str | None
) -> list[_Row]:
    """Score a batch in a worker: (line, JSON text, error, problem, warnings)
    per line, cheap to send back."""
    out: list[_Row] = []
    for n, raw in batch:
        o = score_line(n, raw, lang, errors_lang)
        out.append((o.line, o.text, o.error, o.problem, o.warnings))
    return out


def _outcomes(rows: list[_Row]) -> Iterator[Outcome]:
    for line, text, error, problem, warnings in rows:
        yield Outcome(line, None, error, text, problem=problem, warnings=warnings)


# Windows tools (Excel, Notepad) start a UTF-8 file with a byte-order mark;
# files joined with ``cat`` keep each one's, at the start of a later line.
_BOM = b"\xef\xbb\xbf"


def numbered_lines(stream: Iterable[bytes]) -> Iterator[tuple[int, bytes]]:
    """(line number, bytes) for every non-blank line; blank lines are skipped.

    A UTF-8 byte-order mark opening a line is not part of it (JSON never
    starts with one), so a log saved by a Windows program loses no line."""
    for n, raw in enumerate(stream, start=1):
        stripped = raw.rstrip(b"\r\n")
        if stripped[:3] == _BOM:
            stripped = stripped[3:]
        if stripped.strip():
            yield n, stripped


def _batches(lines: Iterator[tuple[int, bytes]], size: int) -> Iterator[list[tuple[int, bytes]]]:
    batch: list[tuple[int, bytes]] = []
    for item in lines:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def score_stream(
    lines: Iterator[tuple[int, bytes]],
    *,
    lang: str | None = None,
    jobs: int = 1,
    errors_lang: str | None = None,
) -> Iterator[Outcome]:
    """Score numbered lines in order, in bounded batches, on ``jobs`` processes.

    ``lang``: the language of feedback (None: each reply's own); ``errors_lang``:
    of what is wrong with a line that can't be scored (None: ``lang``, else English)."""
    for value in (lang, errors_lang):
        if value is not None and value not in LANGS:
            raise ValueError(f"unknown language {value!r}")
    if jobs <= 1:
        # One line at a time: nothing outlives its line, so the cyclic garbage
        # collector has next to nothing to do (batches held 2,000 records).
        for n, raw in lines:
            yield score_line(n, raw, lang, errors_lang)
        return
    chunk = max(50, BATCH_LINES // jobs)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        window: list = []
        for batch in _batches(lines, chunk):
            window.append(pool.submit(_score_batch, batch, lang, errors_lang))
            if len(window) >= jobs * 2:  # bounded prefetch keeps memory flat
                yield from _outcomes(window.pop(0).result())
        for future in window:
            yield from _outcomes(future.result())
