"""The Script drill's verdict as Rich Text: the typed line with its differences marked.

Differences are never shown by colour alone: each one also carries a text
marker from the catalog (``〔缺：…〕`` / ``[missing: …]``) and a text style
(missing: bold underline; extra: strike-through; moved: italic), so it reads
in the light theme, in a monochrome terminal and for colour-blind trainees.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.style import Style
from rich.text import Text

from scoring.feedback import localize
from simulator.drill import DrillResult, ScriptItem, ScriptSet
from simulator.store.base import DrillStat
from simulator.tui.widgets.evidence import COST_STYLE, EARN_STYLE, MUTED_STYLE

Translate = Callable[..., str]

MISSING_STYLE = Style(color="green", bold=True, underline=True)
EXTRA_STYLE = Style(color="red", strike=True)
MOVED_STYLE = Style(color="dark_orange", italic=True, bold=True)
KIND_STYLES = {"missing": MISSING_STYLE, "extra": EXTRA_STYLE, "moved": MOVED_STYLE}
LEARNED, NOT_YET, CURRENT = "■", "□", "▣"


def marked_line(result: DrillResult, t: Translate) -> Text:
    """The typed text with missing chunks inserted and extra / moved chunks tagged.

    Text between segments (punctuation and spaces, which are not compared)
    is kept as typed. A missing chunk is inserted with a space on each side
    that touches an English word (``you [missing: today]``, not
    ``you[missing: today]``); Chinese needs none.
    """
    typed = result.typed
    out = Text()
    pos = 0
    for seg in sorted(result.segments, key=lambda s: (s.typed[0], s.kind != "missing")):
        start, end = seg.typed
        if start > pos:
            out.append(typed[pos:start])
            pos = start
        if seg.kind == "equal":
            out.append(typed[start:end])
        elif seg.kind == "missing":
            if out.plain and _latin(out.plain[-1]):
                out.append(" ")
            out.append_text(_marker(seg.kind, seg.text, t))
            if start < len(typed) and _latin(typed[start]):
                out.append(" ")
        else:
            out.append_text(_marker(seg.kind, seg.text, t))
        pos = max(pos, end)
    out.append(typed[pos:])
    return out


def _latin(ch: str) -> bool:
    """A letter or digit of English (or another Latin-script) text."""
    return (ch.isascii() and ch.isalnum()) or "\u00c0" <= ch <= "\u024f"


def _marker(kind: str, text: str, t: Translate) -> Text:
    """``〔缺：text〕``: the tag in the kind's colour, the text in its full style."""
    head, _, tail = t(f"drill.mark.{kind}", text="\0").partition("\0")
    style = KIND_STYLES[kind]
    tag = Style(color=style.color, bold=True)
    return Text.assemble((head, tag), (text, style), (tail, tag))


def legend(t: Translate) -> Text:
    """What the three markers mean, each drawn as it appears."""
    out = Text(t("drill.legend") + " ", style=MUTED_STYLE)
    for kind in ("missing", "extra", "moved"):
        out.append_text(_marker(kind, t(f"drill.kind.{kind}"), t))
        out.append(" ")
    out.rstrip()
    return out


def verdict(result: DrillResult, elapsed_s: float, t: Translate) -> Text:
    """``✓ 通过 · 相似度 92% · 得分 95 · 用时 12 秒``."""
    word = t("drill.passed") if result.passed else t("drill.missed")
    out = Text.assemble(
        ("✓ " if result.passed else "✗ ", EARN_STYLE if result.passed else COST_STYLE),
        (word, EARN_STYLE if result.passed else COST_STYLE),
    )
    out.append(
        " · "
        + t(
            "drill.stats",
            similarity=round(100 * result.similarity),
            score=result.score,
            seconds=round(elapsed_s),
        )
    )
    return out


def key_points(item: ScriptItem, result: DrillResult | None, lang: str, t: Translate) -> Text:
    """The key points: neutral before an attempt, then ✓ said / ✗ not said."""
    out = Text(t("drill.points") + " ", style="bold")
    found = {k.id: k.found for k in result.key_points} if result else {}
    for point in item.key_points:
        label = localize(point.label, lang)
        if result is None:
            out.append(f"· {label}", style=MUTED_STYLE)
        elif found.get(point.id):
            out.append(f"✓ {label}", style=EARN_STYLE)
        else:
            out.append(f"✗ {label}", style=COST_STYLE)
        out.append("  ")
    out.rstrip()
    return out


def standard_lines(item: ScriptItem, result: DrillResult, t: Translate) -> Text:
    """The standard line(s), the nearest one marked ▶ with what was missed underlined.

    When the nearest answer is an accepted variant, it is shown too.
    """
    out = Text()
    for i, line in enumerate(item.lines):
        nearest = result.target_kind == "line" and result.target_index == i
        out.append("▶ " if nearest else "  ", style="bold")
        out.append_text(_with_missed(line, result) if nearest else Text(line))
        out.append("\n")
    if result.target_kind == "variant":
        out.append(t("drill.nearest_variant") + "\n", style=MUTED_STYLE)
        out.append("▶ ", style="bold")
        out.append_text(_with_missed(result.target, result))
    out.rstrip()
    return out


def _with_missed(line: str, result: DrillResult) -> Text:
    """``line`` (the target) with the chunks the trainee left out or moved styled."""
    out = Text(line)
    for seg in result.segments:
        if seg.kind in ("missing", "moved"):
            out.stylize(KIND_STYLES[seg.kind], *seg.standard)
    return out


def set_progress(script_set: ScriptSet, stats: dict[str, DrillStat], current: str | None) -> Text:
    """One mark per item of the set: ■ learned (box 1+), □ not yet, ▣ the current one."""
    out = Text()
    for item in script_set.items:
        stat = stats.get(item.id)
        if item.id == current:
            out.append(CURRENT, style="bold reverse")
        elif stat is not None and stat.box >= 1:
            out.append(LEARNED, style=EARN_STYLE)
        else:
            out.append(NOT_YET, style=MUTED_STYLE)
    return out


def weakest_lines(
    script_set: ScriptSet, weakest: Sequence[tuple[str, int, int]], lang: str, t: Translate
) -> Text:
    """The round's weakest lines: situation, best score, misses, and the standard line."""
    out = Text()
    for item_id, best, misses in weakest:
        item = script_set.item(item_id)
        if item is None:
            continue
        out.append("✗ ", style=COST_STYLE)
        out.append(localize(item.situation, lang))
        out.append(" " + t("drill.weak_stats", best=best, misses=misses) + "\n", style=MUTED_STYLE)
        out.append("  → " + item.lines[0] + "\n", style=EARN_STYLE)
    out.rstrip()
    return out
