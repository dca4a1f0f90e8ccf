"""The trainee guide's images and links: every one exists, and the screenshots are not stale."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "trainee-guide.md"
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def exporter() -> ModuleType:
    """tools/export_screenshots.py (a script, not a package module)."""
    path = ROOT / "tools" / "export_screenshots.py"
    spec = importlib.util.spec_from_file_location("export_screenshots", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def local_links(markdown: Path) -> list[str]:
    """Relative link targets of a Markdown file (no URLs, no in-page anchors)."""
    targets = LINK.findall(markdown.read_text(encoding="utf-8"))
    return [t.split("#")[0] for t in targets if not re.match(r"[a-z]+:|#", t)]


def test_every_image_and_link_of_the_guide_exists() -> None:
    links = local_links(GUIDE)
    assert any(link.startswith("img/") for link in links)
    missing = [link for link in links if not (GUIDE.parent / link).exists()]
    assert not missing, f"docs/trainee-guide.md links to missing files: {missing}"


def test_the_guide_shows_every_exported_screenshot() -> None:
    shown = {Path(link).name for link in local_links(GUIDE) if link.startswith("img/")}
    assert shown == set(exporter().SHOTS)


def test_the_screenshots_are_the_current_snapshots() -> None:
    problems = exporter().stale()
    assert not problems, (
        "docs/img/ is stale: run `uv run python tools/export_screenshots.py` "
        f"after updating the snapshots ({'; '.join(problems)})"
    )


def test_the_readme_links_the_guides() -> None:
    readme = ROOT / "README.md"
    links = local_links(readme)
    for guide in ("docs/trainee-guide.md", "docs/supervisor-guide.md"):
        assert guide in links
    missing = [link for link in links if not (ROOT / link).exists()]
    assert not missing, f"README.md links to missing files: {missing}"
