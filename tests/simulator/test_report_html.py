"""The HTML report: one self-contained file, parsed for its structure; Chromium if present."""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from simulator import report_html
from simulator.store.base import User
from tests.simulator.test_report import build

EVIL = '<script>alert("x")</script>&'


class Page(HTMLParser):
    """Collects tags, attributes, text and tables of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []
        self.text: list[str] = []
        self.tables: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, k, v or "") for k, v in attrs]
        if tag == "table":
            self._table = dict(attrs).get("class") or ""
            self.tables[self._table] = []
        elif tag == "tr" and self._table is not None:
            self.tables[self._table].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._table is not None:
            self.tables[self._table][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def _page(lang="en", report=None) -> tuple[str, Page]:
    text = report_html.render_html(report or build(), lang)
    page = Page()
    page.feed(text)
    return text, page


def test_trainee_table_and_one_svg_per_chart():
    _, page = _page()
    rows = page.tables["trainees"]
    assert rows[0][:3] == ["Trainee", "Attempts", "Avg"]
    assert [r[0] for r in rows[1:]] == ["王小丽 (alice)", "bob", "carol"]
    assert rows[1][1:4] == ["3", "80", "95"]
    assert page.tags.count("svg") == 2
    classes = [v for tag, k, v in page.attrs if tag == "svg" and k == "class"]
    assert classes == ["chart bars", "chart trend"]
    assert {"exams", "weakest", "rules", "overrides"} <= set(page.tables)


def test_self_contained_no_scripts_or_urls():
    text, page = _page()
    assert "script" not in page.tags and "link" not in page.tags and "img" not in page.tags
    assert not [v for _, k, v in page.attrs if k in ("src", "href")]
    assert "http://" not in text and "https://" not in text and "url(" not in text


def test_user_text_is_escaped():
    rep = build()
    rep["trainees"][1]["display"] = EVIL
    rep["overrides"][0]["reason"] = EVIL
    text, page = _page(report=rep)
    assert "<script>" not in text and "script" not in page.tags
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;" in text
    assert any(EVIL in cell for cell in page.tables["overrides"][1])


def test_chinese_page_and_empty_report():
    text, page = _page("zh")
    assert '<html lang="zh-Hans">' in text and "团队培训报告" in text
    from simulator import report

    empty = report.build([], [User("dave")], now=1793620800.0)
    text, page = _page("en", empty)
    assert "No finished attempts match these filters." in text
    assert page.tables["trainees"][1][0] == "dave"


@pytest.mark.skipif(
    shutil.which("chromium") is None and shutil.which("chromium-browser") is None,
    reason="Chromium is not installed (apt-get install -y chromium); the HTML is checked by parsing only",
)
def test_renders_in_headless_chromium(tmp_path: Path):
    page = tmp_path / "report.html"
    page.write_text(report_html.render_html(build(), "zh"), encoding="utf-8")
    shot = tmp_path / "report.png"
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    subprocess.run(
        [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}",
         "--window-size=1200,1600", page.as_uri()],
        capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    assert shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000  # a blank page is a few kB


def test_equal_trend_series_stay_visible():
    """Criteria with the same weekly rate are drawn apart, not on top of each other."""
    import re

    svg = report_html.trend_svg(build(), report_html.Translator("en"))
    circles = re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"[^>]*><title>([^<]*)</title>', svg)
    assert circles
    spots = [(cx, cy) for cx, cy, _ in circles]
    assert len(spots) == len(set(spots))  # no two markers on the same spot
    values = {title.rsplit(": ", 1)[1] for _, _, title in circles}
    assert len(values) < len(circles)  # the fixture does have equal values
