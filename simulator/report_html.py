"""The team report as ONE self-contained HTML file: inline CSS and SVG, no scripts.

Nothing is fetched: no fonts, images, scripts or styles from the network, so
the file can be mailed or opened offline. Charts are SVG drawn here: bars of
each criterion's pass rate per trainee, and a weekly trend line (average score
and the four basics' pass rates). Every piece of user text (names, reasons,
scenario ids) goes through ``html.escape``. Strings come from the ``report``
message catalog.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from simulator.advice import CORE_CRITERIA
from simulator.i18n import Translator
from simulator.report_text import (
    change,
    exam_result_text,
    filters_text,
    num,
    pct,
    period_text,
    person,
    seconds,
)

HTML_LANG = {"zh": "zh-Hans", "zh-Hant": "zh-Hant", "en": "en"}
SERIES_COLORS = ("#1f4e79", "#c0392b", "#2e86c1", "#27ae60", "#8e44ad")
BAR_H, BAR_GAP, LABEL_W, BAR_W = 14, 4, 170, 360
CSS = """
body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",
"WenQuanYi Zen Hei",sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#222;
line-height:1.45}
h1{font-size:1.6rem;margin:0 0 .3rem}h2{font-size:1.2rem;margin:2rem 0 .6rem;
border-bottom:2px solid #1f4e79;padding-bottom:.2rem}
.meta{color:#555;margin:.1rem 0}.note{background:#fff6dd;border-left:4px solid #e0a800;
padding:.4rem .8rem}
table{border-collapse:collapse;min-width:50%;font-size:.9rem}table.trainees{width:100%}
th,td{border:1px solid #ccd;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#eef2f7}td.n{text-align:right;font-variant-numeric:tabular-nums}
.good{color:#1e7b34}.bad{color:#b02a1a}.mid{color:#9a6a00}
.passed{background:#e6f4ea}.failed{background:#fbe9e7}
svg{display:block;margin:.5rem 0;max-width:100%;height:auto}
svg text{font-size:12px;fill:#222}.legend span{display:inline-block;margin-right:1rem}
.legend i{display:inline-block;width:.9rem;height:.9rem;margin-right:.3rem;
vertical-align:middle}
@media print{body{margin:0}h2{break-after:avoid}table,svg{break-inside:avoid}}
"""


def _e(value: object) -> str:
    """Escaped text of any value."""
    return html.escape("" if value is None else str(value), quote=True)


def _band(rate: float | None) -> str:
    """A CSS class for a 0..1 rate: good (80%+), mid (60%+) or bad."""
    if rate is None:
        return ""
    return "good" if rate >= 0.8 else "mid" if rate >= 0.6 else "bad"


def _color(rate: float) -> str:
    return {"good": "#2e9e4f", "mid": "#e0a800", "bad": "#d04a35"}[_band(rate)]


def html_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], cls: str, numeric: set[int]
) -> str:
    """A table; cells are already-escaped HTML, ``numeric`` columns right-aligned."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="n">{c}</td>' if i in numeric else f"<td>{c}</td>"
            for i, c in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    return (
        f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    )


def _crit(name: str, t: Translator) -> str:
    """A criterion's short label (its id when the catalog has none)."""
    key = f"report.short.{name}"
    text = t(key)
    return _e(name if text == key else text)


def trainee_table(report: Mapping[str, Any], t: Translator) -> str:
    """Per trainee: attempts, scores, trend, first reply and each criterion's rate."""
    crits = report["criteria"]
    heads = ["trainee", "attempts", "avg", "best", "trend", "first_reply", "weakest"]
    headers = [_e(t(f"report.col.{h}")) for h in heads] + [_crit(c, t) for c in crits]
    rows = []
    for r in report["trainees"]:
        cells = [
            _e(person(r)), str(r["attempts"]), _e(num(r["avg_score"])), _e(num(r["best_score"])),
            _e(change(r["score_trend"])), _e(seconds(r["avg_first_reply_s"], t)),
            ", ".join(_crit(w, t) for w in r["weakest"]),
        ]  # fmt: skip
        for c in crits:
            stat = r["criteria"].get(c)
            cells.append(_rate_cell(stat) if stat else "–")
        rows.append(cells)
    numeric = set(range(1, 6)) | set(range(7, len(headers)))
    return html_table(headers, rows, "trainees", numeric)


def _rate_cell(stat: Mapping[str, Any]) -> str:
    arrow = ""
    if stat["trend"] is not None:
        arrow = " ↑" if stat["trend"] > 0.05 else " ↓" if stat["trend"] < -0.05 else " →"
    title = f"{stat['passed']}/{stat['attempts']}"
    return f'<span class="{_band(stat["rate"])}" title="{title}">{pct(stat["rate"])}{arrow}</span>'


# -- charts -----------------------------------------------------------------------
def bars_svg(report: Mapping[str, Any], t: Translator) -> str:
    """Horizontal bars: for each criterion, each trainee's pass rate."""
    people = [r for r in report["trainees"] if r["attempts"]]
    parts: list[str] = []
    y = 4
    for c in report["criteria"]:
        parts.append(f'<text x="0" y="{y + 12}" font-weight="bold">{_crit(c, t)}</text>')
        y += 18
        for r in people:
            stat = r["criteria"].get(c)
            if not stat:
                continue
            width = round(BAR_W * stat["rate"])
            parts.append(
                f'<text x="12" y="{y + 11}">{_e(person(r))}</text>'
                f'<rect x="{LABEL_W}" y="{y}" width="{BAR_W}" height="{BAR_H}" fill="#eef2f7"/>'
                f'<rect x="{LABEL_W}" y="{y}" width="{width}" height="{BAR_H}" '
                f'fill="{_color(stat["rate"])}"><title>{_e(person(r))}: {pct(stat["rate"])}</title></rect>'
                f'<text x="{LABEL_W + BAR_W + 8}" y="{y + 11}">{pct(stat["rate"])} '
                f"({stat['passed']}/{stat['attempts']})</text>"
            )
            y += BAR_H + BAR_GAP
        y += 8
    width = LABEL_W + BAR_W + 90
    return (
        f'<svg class="chart bars" role="img" '
        f'viewBox="0 0 {width} {y}" width="{width}" height="{y}">'
        f"<title>{_e(t('report.chart_criteria'))}</title>{''.join(parts)}</svg>"
    )


def trend_series(report: Mapping[str, Any], t: Translator) -> list[tuple[str, list[float | None]]]:
    """(label, values 0..100 per week): the average score, then the four basics."""
    weeks = report["weekly"]
    series = [(t("report.avg_series"), [w["avg_score"] for w in weeks])]
    for c in CORE_CRITERIA:
        values = [None if w["criteria"].get(c) is None else 100 * w["criteria"][c] for w in weeks]
        if any(v is not None for v in values):
            series.append((t(f"report.short.{c}"), values))
    return series


def trend_svg(report: Mapping[str, Any], t: Translator) -> str:
    """A line chart, 0-100, one point per week."""
    weeks = report["weekly"]
    w, h, left, right, top, bottom = 760, 260, 70, 50, 10, 40
    step = (w - left - right) / max(1, len(weeks) - 1)
    x = [left + (i * step if len(weeks) > 1 else (w - left - right) / 2) for i in range(len(weeks))]

    def y(v: float) -> float:
        return top + (h - top - bottom) * (1 - v / 100)

    parts = [
        f'<line x1="{left - 30}" x2="{w - right + 30}" y1="{y(g):.1f}" y2="{y(g):.1f}" stroke="#dde"/>'
        f'<text x="{left - 36}" y="{y(g) + 4:.1f}" text-anchor="end">{g}</text>'
        for g in (0, 25, 50, 75, 100)
    ]
    for i, wk in enumerate(weeks):
        parts.append(
            f'<text x="{x[i]:.1f}" y="{h - 18}" text-anchor="middle">{_e(wk["start"])}</text>'
        )
    drawn: dict[tuple[int, float], int] = {}  # (week, value) -> series already there
    for n, (label, values) in enumerate(trend_series(report, t)):
        color = SERIES_COLORS[n % len(SERIES_COLORS)]
        pts = []
        for i, v in enumerate(values):
            if v is None:
                continue
            # A series equal to an earlier one there is drawn 3 px lower, so
            # neither hides the other; its tooltip keeps the true value.
            below = drawn.get((i, round(v, 1)), 0)
            drawn[(i, round(v, 1))] = below + 1
            pts.append((x[i], y(v) + 3 * below, v))
        dash = "" if n == 0 else ' stroke-dasharray="5 3"'
        width = 3 if n == 0 else 1.5
        if len(pts) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py, _ in pts)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="{width}"{dash}/>'
            )
        for px, py, v in pts:
            parts.append(
                f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{color}">'
                f"<title>{_e(label)}: {v:.0f}</title></circle>"
            )
    return (
        f'<svg class="chart trend" role="img" '
        f'viewBox="0 0 {w} {h}" width="{w}" height="{h}">'
        f"<title>{_e(t('report.chart_trend'))}</title>{''.join(parts)}</svg>"
    )


def legend(report: Mapping[str, Any], t: Translator) -> str:
    """Colour keys of the trend chart."""
    keys = [
        f'<span><i style="background:{SERIES_COLORS[n % len(SERIES_COLORS)]}"></i>{_e(label)}</span>'
        for n, (label, _) in enumerate(trend_series(report, t))
    ]
    return f'<p class="legend">{"".join(keys)}</p>'


# -- sections ---------------------------------------------------------------------
def exam_table(report: Mapping[str, Any], t: Translator) -> str:
    """Exam results against the pass mark, a row per trainee and exam."""
    heads = ["trainee", "set", "pass_mark", "scenarios_passed", "lowest_best", "tries", "result"]
    rows = []
    for e in report["exams"]:
        allowed = e["attempts_allowed"]
        best = ", ".join(f"{k}: {num(v)}" for k, v in e["best"].items())
        rows.append([
            _e(e["user"]), f'{_e(e["set"])}<br><small title="{_e(best)}">{_e(best)}</small>',
            str(e["pass_mark"]), f"{e['scenarios_passed']}/{e['scenarios_total']}",
            _e(num(e["lowest_best"])), f"{e['attempts_used']}/{allowed if allowed else '∞'}",
            f'<span class="{_e(e["result"])}">{_e(exam_result_text(e, t))}</span>',
        ])  # fmt: skip
    return html_table([_e(t(f"report.col.{h}")) for h in heads], rows, "exams", {2, 3, 4, 5})


def weakest_table(report: Mapping[str, Any], t: Translator) -> str:
    """Criteria below 100% over everyone, lowest first."""
    rows = [
        [_crit(w["criterion"], t), f'<span class="{_band(w["rate"])}">{pct(w["rate"])}</span>',
         f"{w['passed']}/{w['attempts']}"]
        for w in report["weakest"]
    ]  # fmt: skip
    heads = [t("report.col.criterion"), t("report.col.pass_rate"), t("report.col.passed")]
    return html_table([_e(h) for h in heads], rows, "weakest", {1, 2})


def rules_table(report: Mapping[str, Any], t: Translator, lang: str) -> str:
    """Every rule that cost points, most attempts first."""
    rows = [
        [_e(r["rule"]), _crit(r["criterion"], t), str(r["attempts"]), str(r["hits"]), str(r["users"]),
         _e(r["message"]["en" if lang == "en" else "zh"])]
        for r in report["failed_rules"]
    ]  # fmt: skip
    heads = ["rule", "criterion", "attempts", "passed", "users", "message"]
    headers = [_e(t(f"report.col.{h}")) for h in heads]
    headers[3] = _e(t("report.col.hits"))
    return html_table(headers, rows, "rules", {2, 3, 4})


def overrides_table(report: Mapping[str, Any], t: Translator) -> str:
    """Every override: the attempt, the recorded and new score, who and why."""
    rows = [
        [str(o["attempt_id"]), _e(o["user"]), _e(o["scenario"]), _e(num(o["recorded_score"])),
         str(o["new_score"]), _e(o["by"]), _e(o["reason"])]
        for o in report["overrides"]
    ]  # fmt: skip
    heads = ["attempt", "trainee", "scenario", "recorded", "new", "by", "reason"]
    return html_table([_e(t(f"report.col.{h}")) for h in heads], rows, "overrides", {0, 3, 4})


def _section(title: str, body: str, empty: str, has: bool) -> str:
    inner = body if has else f"<p>{_e(empty)}</p>"
    return f"<section><h2>{_e(title)}</h2>{inner}</section>"


def render_html(report: Mapping[str, Any], lang: str = "zh") -> str:
    """The whole page."""
    t = Translator(lang)
    tot = report["totals"]
    sub = t("report.subtitle", period=period_text(report, t), trainees=tot["trainees"],
            attempts=tot["attempts"])  # fmt: skip
    head = [
        f"<h1>{_e(t('report.title'))}</h1>",
        f'<p class="meta">{_e(sub)}</p>',
        f'<p class="meta">{_e(filters_text(report, t))}</p>',
        f'<p class="meta">{_e(t("report.summary", avg=num(tot["avg_score"]), first=seconds(tot["avg_first_reply_s"], t)))}</p>',
        f'<p class="meta">{_e(t("report.generated", at=report["generated_at"]))}</p>',
    ]
    if tot["overridden"]:
        head.append(f'<p class="note">{_e(t("report.overridden_note", n=tot["overridden"]))}</p>')
    if not tot["attempts"]:
        head.append(f'<p class="note">{_e(t("report.empty"))}</p>')
    people = any(r["attempts"] for r in report["trainees"])
    none = not tot["attempts"]  # then "every criterion passed" would be about nothing
    trend_note = "" if len(report["weekly"]) > 1 else f"<p>{_e(t('report.chart_no_trend'))}</p>"
    body = [
        _section(t("report.trainees"), trainee_table(report, t) + f"<p>{_e(t('report.trend_help'))}</p>",
                 t("report.empty"), bool(report["trainees"])),
        _section(t("report.chart_criteria"), bars_svg(report, t), t("report.empty"), people),
        _section(t("report.chart_trend"), f"<p>{_e(t('report.chart_trend_help'))}</p>"
                 + legend(report, t) + trend_svg(report, t) + trend_note,
                 t("report.chart_no_trend"), bool(report["weekly"])),
        _section(t("report.exams"), exam_table(report, t), t("report.no_exams"), bool(report["exams"])),
        _section(t("report.weakest"), weakest_table(report, t), t("report.no_attempts" if none else "report.no_weakest"),
                 bool(report["weakest"])),
        _section(t("report.rules"), rules_table(report, t, lang), t("report.no_attempts" if none else "report.no_rules"),
                 bool(report["failed_rules"])),
        _section(t("report.overrides"), overrides_table(report, t), t("report.no_overrides"),
                 bool(report["overrides"])),
    ]  # fmt: skip
    return (
        f'<!DOCTYPE html>\n<html lang="{HTML_LANG.get(lang, "zh-Hans")}">\n<head>\n'
        '<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(t('report.title'))}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<header>{''.join(head)}</header>\n<main>\n"
        + "\n".join(body)
        + "\n</main>\n</body>\n</html>\n"
    )
