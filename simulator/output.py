"""Writers for ``kefu score``: JSONL for machines, CSV for spreadsheets, a table for people."""

from __future__ import annotations

import csv
import json
import unicodedata
from typing import IO, Any

from scoring.feedback import CRITERION_NAMES, localize
from scoring.model import CONVERSATION_CRITERIA, REPLY_CRITERIA, REVIEW_CRITERIA, ReplyResult
from scoring.normalize import to_simplified
from simulator.i18n import Translator
from simulator.qa import Outcome

# Every check a conversation can have; the review-reply ones are blank for chats.
ALL_CRITERIA = (*CONVERSATION_CRITERIA, *REVIEW_CRITERIA)
CSV_COLUMNS = ("id", "score", *ALL_CRITERIA, "replies", "first_problem", "error", "file", "line")
# Spreadsheet programs read a CSV file as UTF-8 only when it starts with a BOM
# (kefu report writes one too); a pipe gets none, so other tools see plain CSV.
BOM = "\ufeff"


class JsonlWriter:
    """One JSON object per line, exactly as scored."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out

    def write(self, outcome: Outcome, source: str = "") -> None:
        if outcome.error and source:
            # Which file a failed line came from, when several are scored at once.
            self.out.write(json.dumps({"file": source, **outcome.record}, ensure_ascii=False))
            self.out.write("\n")
            return
        self.out.write(outcome.text + "\n")

    def close(self) -> None:
        self.out.flush()


class CsvWriter:
    """A row per conversation: score, 1/0 per criterion, and the first problem."""

    def __init__(self, out: IO[str], bom: bool = False) -> None:
        self.out = out
        self.csv = csv.writer(out)
        if bom:
            out.write(BOM)
        self.csv.writerow(CSV_COLUMNS)

    def write(self, outcome: Outcome, source: str = "") -> None:
        rec = outcome.record
        where = [source, outcome.line]
        if outcome.error:
            blank = [""] * len(ALL_CRITERIA)
            self.csv.writerow([rec.get("id"), "", *blank, "", "", outcome.error, *where])
            return
        crit = rec["criteria"]
        flags = [int(crit[c]["passed"]) if c in crit else "" for c in ALL_CRITERIA]
        problem = next((line for line in rec["feedback"] if line.startswith("✗")), "")
        self.csv.writerow(
            [rec["id"], rec["score"], *flags, len(rec["replies"]), problem, "", *where]
        )

    def close(self) -> None:
        self.out.flush()


class TableWriter:
    """A fixed-width table for a terminal, then the feedback of failed criteria
    (and of a pass that left points, so every score short of 100 says why)."""

    def __init__(self, out: IO[str], lang: str | None) -> None:
        self.out = out
        self.lang = lang
        self.widths: list[int] = []  # set with the headings, by the first row
        self.table_lang = lang or "zh"  # the headings' language, for error rows too
        # A pass with nothing to add, in any language (feedback follows the reply's).
        self.plain = {
            f"✓ {localize(CRITERION_NAMES[c], lang)}"
            for c in ALL_CRITERIA
            for lang in ("zh", "zh-Hant", "en")
        }

    def _head(self, outcome: Outcome | None) -> None:
        """The headings, in ``--lang`` or else the language of the first scored
        line's feedback (an English log gets English headings)."""
        lang = self.lang
        if lang is None:
            said = "" if outcome is None or outcome.error else "".join(outcome.record["feedback"])
            lang = _language_of(said)
        self.table_lang = lang
        heads = [localize(CRITERION_NAMES[c], lang) for c in ALL_CRITERIA]
        # Each column as wide as its heading, so the marks sit under it.
        self.widths = [14, 6, *(max(_width(h), 3) for h in heads)]
        t = Translator(lang)
        self.out.write(self._row([t("score.table.id"), t("score.table.score"), *heads]) + "\n")

    def _row(self, cells: list[str]) -> str:
        first, *rest = cells
        padded = [_pad(c, w) for c, w in zip(rest, self.widths[1:], strict=False)]
        return (_pad(first[:14], 14) + " " + " ".join(padded + rest[len(padded) :])).rstrip()

    def write(self, outcome: Outcome, source: str = "") -> None:
        if not self.widths:
            self._head(outcome)
        rec = outcome.record
        if outcome.error:
            # In the headings' language, not English inside a Chinese table.
            lang, t = self.table_lang, Translator(self.table_lang)
            ident = rec.get("id")
            # A line without a usable id is named by its number.
            named = isinstance(ident, str | int) and not isinstance(ident, bool)
            label = str(ident) if named else t("score.table.line", n=rec["line"])
            said = outcome.problem.text(lang) if outcome.problem else outcome.error
            self.out.write(self._row([label, t("score.table.error"), said]) + "\n")
            return
        crit = rec["criteria"]
        marks = [("✓" if crit[c]["passed"] else "✗") if c in crit else "·" for c in ALL_CRITERIA]
        self.out.write(self._row([str(rec["id"]), str(rec["score"]), *marks]) + "\n")
        for line in rec["feedback"]:
            # Failures, and a passed criterion's note where points were left
            # (a remedy with one option), so a score short of 100 is explained.
            if line.startswith("✗") or (rec["score"] < 100 and line not in self.plain):
                self.out.write(f"      {line}\n")

    def close(self) -> None:
        if not self.widths:
            self._head(None)
        self.out.flush()


def _language_of(text: str) -> str:
    """zh, zh-Hant or en: the language feedback was written in ("" reads as zh)."""
    if not text or any("\u3400" <= ch <= "\u9fff" for ch in text):
        return "zh-Hant" if text and to_simplified(text) != text else "zh"
    return "en"


def _width(text: str) -> int:
    """Terminal cells taken by ``text`` (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, cells: int) -> str:
    return text + " " * max(0, cells - _width(text))


def writer(fmt: str, out: IO[str], lang: str | None, *, bom: bool = False) -> Any:
    """The writer for ``fmt`` (jsonl, csv or table); ``bom``: a CSV file for spreadsheets."""
    if fmt == "csv":
        return CsvWriter(out, bom)
    if fmt == "table":
        return TableWriter(out, lang)
    return JsonlWriter(out)


def write_reply_report(out: IO[str], result: ReplyResult, lang: str, color: bool) -> None:
    """A readable verdict on one reply: the criteria, then each finding in context."""
    out.write(_highlight(result, color) + "\n\n")
    for c in REPLY_CRITERIA:
        mark = "✓" if result.criteria[c] else "✗"
        out.write(f"  {mark} {localize(CRITERION_NAMES[c], lang)}\n")
    for f in result.findings:
        tag = {"earn": "+", "cost": "-", "cancel": "×", "note": "·"}[f.level]
        out.write(f"    {tag} [{f.rule}] 「{f.text}」 {localize(f.message, lang)}\n")
        if f.level != "earn":
            out.write(f"        → {localize(f.fix, lang)}\n")
    offer = result.remedy
    if offer.types:
        parts = [", ".join(offer.types)]
        if offer.amounts:
            parts.append(" ".join(f"{a.value:g} {a.currency}" for a in offer.amounts))
        if offer.time_frames:
            parts.append(" ".join(offer.time_frames))
        out.write(f"  remedy: {' | '.join(parts)}\n")


_GREEN, _RED, _RESET = "\x1b[32m", "\x1b[31m", "\x1b[0m"


def _highlight(result: ReplyResult, color: bool) -> str:
    """The reply with earned words in green and costly words in red (on a terminal)."""
    text = result.text
    if not color:
        return text
    paint: list[str] = [""] * len(text)
    for f in result.findings:
        code = _GREEN if f.level == "earn" else _RED if f.level in ("cost", "cancel") else ""
        for i in range(f.start, min(f.end, len(text))):
            if code and paint[i] != _RED:
                paint[i] = code
    out, current = [], ""
    for ch, code in zip(text, paint, strict=True):
        if code != current:
            out.append(code or _RESET)
            current = code
        out.append(ch)
    return "".join(out) + (_RESET if current else "")
