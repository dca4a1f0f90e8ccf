"""The team report as text: a terminal table, CSV for spreadsheets, JSON.

Each renderer takes the dict from ``simulator.report.build`` and returns a
string. Tables count terminal cells (CJK characters take two), so Chinese
names and headings line up.

CSV is the per-trainee sheet, one row per trainee, with stable English column
names (``user, display, attempts, avg_score, best_score, score_trend,
avg_first_reply_s, overridden, weakest, <criterion>_rate,
<criterion>_trend ..., exams_passed, exams_failed``); rates are percentages.
It starts with a UTF-8 byte-order mark so that Excel opens Chinese text
correctly (LibreOffice and Python's ``utf-8-sig`` read it too). Everything
else (exams, rules, overrides, the weekly series) is in the JSON and HTML.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from scoring.feedback import CRITERION_NAMES
from simulator.i18n import Translator

BOM = "\ufeff"
TREND_STEP = 0.05
RULES_SHOWN = 10


# -- cells ------------------------------------------------------------------------
def cell_width(text: str) -> int:
    """Terminal cells taken by ``text``: wide and full-width characters take two."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return width


def pad(text: str, cells: int, right: bool = False) -> str:
    """``text`` padded with spaces to ``cells`` (on the left when ``right``)."""
    fill = " " * max(0, cells - cell_width(text))
    return fill + text if right else text + fill


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> list[str]:
    """Aligned lines: a header, a rule, then rows; columns in ``right`` right-aligned."""
    widths = [cell_width(h) for h in headers]
    for row in rows:
        widths = [max(w, cell_width(c)) for w, c in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        parts = [pad(c, w, i in right) for i, (c, w) in enumerate(zip(cells, widths, strict=True))]
        return "  ".join(parts).rstrip()

    return [line(headers), "  ".join("─" * w for w in widths), *(line(r) for r in rows)]


# -- values ------------------------------------------------------------------------
def pct(rate: float | None) -> str:
    """A 0..1 rate as a whole percentage, or a dash."""
    return "–" if rate is None else f"{round(100 * rate)}%"


def arrow(trend: float | None) -> str:
    """↑ better, ↓ worse, → about the same, nothing when unknown."""
    if trend is None:
        return ""
    return "↑" if trend > TREND_STEP else "↓" if trend < -TREND_STEP else "→"


def change(value: float | None) -> str:
    """A change in score as ↑55 / ↓12 / →0 (a bare +55 reads like a score), or a dash."""
    if value is None:
        return "–"
    text = num(abs(value))
    return ("↑" if value > 0 else "↓" if value < 0 else "→") + text


def num(value: float | None, sign: bool = False) -> str:
    """A number with at most one decimal, or a dash."""
    if value is None:
        return "–"
    text = f"{value:+.1f}" if sign else f"{value:.1f}"
    return text.replace(".0", "") if text.endswith(".0") else text


def crit_name(name: str, lang: str) -> str:
    """A criterion's display name."""
    from scoring.feedback import localize

    return localize(CRITERION_NAMES[name], lang) if name in CRITERION_NAMES else name


def person(row: Mapping[str, Any]) -> str:
    """``display (name)`` or just the name."""
    return f"{row['display']} ({row['user']})" if row.get("display") else str(row["user"])


def period_text(report: Mapping[str, Any], t: Translator) -> str:
    """The period of the attempts, or a note that there are none."""
    p = report["period"]
    return t("report.period", start=p["from"], end=p["to"]) if p["from"] else t("report.no_period")


def filters_text(report: Mapping[str, Any], t: Translator) -> str:
    """The filters used, in words."""
    used = [f"{t('report.filter.' + k)} {v}" for k, v in report["filters"].items() if v]
    return t("report.filters", filters=", ".join(used)) if used else t("report.no_filters")


def exam_result_text(exam: Mapping[str, Any], t: Translator) -> str:
    """passed / failed (can retry) ..."""
    text = t(f"report.result.{exam['result']}")
    return text + (
        " " + t("report.retry") if exam["can_retry"] and exam["result"] == "failed" else ""
    )


# -- table ------------------------------------------------------------------------
def render_table(report: Mapping[str, Any], lang: str = "zh") -> str:
    """The report for a terminal: overview, trainees, exams, weakest, rules, overrides."""
    t = Translator(lang)
    tot = report["totals"]
    out = [
        t("report.title"),
        t("report.subtitle", period=period_text(report, t), trainees=tot["trainees"], attempts=tot["attempts"]),
        filters_text(report, t),
        t("report.summary", avg=num(tot["avg_score"]), first=seconds(tot["avg_first_reply_s"], t)),
    ]  # fmt: skip
    if tot["overridden"]:
        out.append(t("report.overridden_note", n=tot["overridden"]))
    if not tot["attempts"]:
        out.append(t("report.empty"))
    for title, lines in sections(report, t, lang):
        out += ["", f"## {title}", *lines]
    return "\n".join(out) + "\n"


def seconds(value: float | None, t: Translator) -> str:
    """``12.5 s`` / ``12.5 秒`` or a dash."""
    return "–" if value is None else t("report.seconds", n=num(value))


def sections(report: Mapping[str, Any], t: Translator, lang: str) -> list[tuple[str, list[str]]]:
    """(title, lines) of each table section."""
    # With no attempts "every criterion passed" would be a claim about nothing.
    none = report["totals"]["attempts"] == 0
    weakest_empty = t("report.no_attempts") if none else t("report.no_weakest")
    rules_empty = t("report.no_attempts") if none else t("report.no_rules")
    return [
        (t("report.trainees"), trainee_lines(report, t, lang) + [t("report.trend_help")]),
        (t("report.exams"), exam_lines(report, t) or [t("report.no_exams")]),
        (t("report.weakest"), weakest_lines(report, t, lang) or [weakest_empty]),
        (t("report.rules"), rule_lines(report, t, lang) or [rules_empty]),
        (t("report.overrides"), override_lines(report, t) or [t("report.no_overrides")]),
    ]


def trainee_lines(report: Mapping[str, Any], t: Translator, lang: str) -> list[str]:
    """One line per trainee with a column per criterion."""
    crits = report["criteria"]
    heads = ["trainee", "attempts", "avg", "best", "trend", "first_reply"]
    headers = [t(f"report.col.{h}") for h in heads] + [t(f"report.short.{c}") for c in crits]
    rows = []
    for r in report["trainees"]:
        cells = [
            person(r), str(r["attempts"]), num(r["avg_score"]), num(r["best_score"]),
            change(r["score_trend"]), seconds(r["avg_first_reply_s"], t),
        ]  # fmt: skip
        for c in crits:
            stat = r["criteria"].get(c)
            cells.append(f"{pct(stat['rate'])} {arrow(stat['trend'])}".strip() if stat else "–")
        rows.append(cells)
    return table(headers, rows, right=set(range(1, len(headers))))


def exam_lines(report: Mapping[str, Any], t: Translator) -> list[str]:
    """One line per trainee and exam."""
    if not report["exams"]:
        return []
    heads = ["trainee", "set", "pass_mark", "scenarios_passed", "lowest_best", "tries", "result"]
    rows = []
    for e in report["exams"]:
        allowed = e["attempts_allowed"]
        rows.append([
            e["user"], e["set"], str(e["pass_mark"]), f"{e['scenarios_passed']}/{e['scenarios_total']}",
            num(e["lowest_best"]), f"{e['attempts_used']}/{allowed if allowed else '∞'}",
            exam_result_text(e, t),
        ])  # fmt: skip
    return table([t(f"report.col.{h}") for h in heads], rows, right={2, 3, 4, 5})


def weakest_lines(report: Mapping[str, Any], t: Translator, lang: str) -> list[str]:
    """Criteria below 100%, lowest first."""
    rows = [
        [crit_name(w["criterion"], lang), pct(w["rate"]), f"{w['passed']}/{w['attempts']}"]
        for w in report["weakest"]
    ]
    heads = [t("report.col.criterion"), t("report.col.pass_rate"), t("report.col.passed")]
    return table(heads, rows, right={1, 2}) if rows else []


def rule_lines(report: Mapping[str, Any], t: Translator, lang: str) -> list[str]:
    """The rules that cost points in most attempts."""
    rows = [
        [r["rule"], crit_name(r["criterion"], lang), str(r["attempts"]), str(r["users"]),
         r["message"]["en" if lang == "en" else "zh"]]
        for r in report["failed_rules"][:RULES_SHOWN]
    ]  # fmt: skip
    heads = ["rule", "criterion", "attempts", "users", "message"]
    return table([t(f"report.col.{h}") for h in heads], rows, right={2, 3}) if rows else []


def override_lines(report: Mapping[str, Any], t: Translator) -> list[str]:
    """Every override applied, with who and why."""
    rows = [
        [str(o["attempt_id"]), o["user"], o["scenario"], num(o["recorded_score"]),
         str(o["new_score"]), o["by"], o["reason"]]
        for o in report["overrides"]
    ]  # fmt: skip
    heads = ["attempt", "trainee", "scenario", "recorded", "new", "by", "reason"]
    return table([t(f"report.col.{h}") for h in heads], rows, right={0, 3, 4}) if rows else []


# -- csv and json -------------------------------------------------------------------
def render_csv(report: Mapping[str, Any]) -> str:
    """The per-trainee sheet (see the module docstring), with a byte-order mark."""
    crits = report["criteria"]
    head = ["user", "display", "attempts", "avg_score", "best_score", "score_trend",
            "avg_first_reply_s", "overridden", "weakest"]  # fmt: skip
    head += [f"{c}_{k}" for c in crits for k in ("rate", "trend")]
    head += ["exams_passed", "exams_failed"]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(head)
    for r in report["trainees"]:
        row = [r[k] for k in head[:8]] + [" ".join(r["weakest"])]
        for c in crits:
            stat = r["criteria"].get(c) or {}
            row += [_pct_number(stat.get("rate")), _pct_number(stat.get("trend"))]
        mine = [e["result"] for e in report["exams"] if e["user"] == r["user"]]
        row += [mine.count("passed"), mine.count("failed")]
        writer.writerow(["" if v is None else v for v in row])
    return BOM + buf.getvalue()


def _pct_number(rate: float | None) -> float | None:
    return None if rate is None else round(100 * rate, 1)


def render_json(report: Mapping[str, Any]) -> str:
    """The report dict as indented UTF-8 JSON (schema in ``simulator.report``)."""
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"
