"""What compiling the shipped rubric derives from its regexes, worked out ahead.

Compiling a rubric reads every regex with the standard library's parser three
ways: to split a pattern into its top-level alternatives (``regex_source``), to find
the literals every match of a piece must contain (``prefilter``), and to pick
how a piece is searched (``kinds.Matcher``). Those answers depend only on the
regex text and on this code, and parsing two thousand regexes is most of a
cold start. ``scenarios/rubric/derived.json`` holds the answers for the shipped
rubric, so a run looks them up; a regex it does not hold (an author's new
rule, a custom rubric) is worked out as before. The file carries a
fingerprint of the code that derives the answers and is ignored when that code
has changed: stale answers could only hide a rule's hits, never add one, but
they are not trusted at all. Rebuild it with ``uv run python -m scoring.derived``
(a test fails while it is out of date).

The tables below double as the in-process memo of those answers.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

FORMAT = "kefu-derived/1"
_HERE = Path(__file__).resolve().parent
_CODE = ("kinds.py", "regex_source.py", "prefilter.py", "derived.py")

# pattern -> where its top-level "|"s are (regex_source.split_alternatives)
SPLITS: dict[str, tuple[int, ...]] = {}
# piece -> clauses every match satisfies, most selective first (prefilter._ranked)
RANKED: dict[str, tuple[frozenset[str], ...]] = {}
# "(?:piece)" -> the characters of its leading lookahead ("" for none), or
# None if it can match the empty string (regex_source.piece_source)
SOURCES: dict[str, str | None] = {}


def fingerprint() -> str:
    """A hash of the code whose answers the file holds."""
    h = hashlib.sha256(FORMAT.encode())
    for name in _CODE:
        h.update((_HERE / name).read_bytes())
    return h.hexdigest()[:16]


def install(text: str) -> bool:
    """Load a derived.json's answers into the tables; False (and nothing
    loaded) if the text is unreadable, malformed or from other code."""
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return False
        if data.get("fingerprint") != fingerprint():
            return False
        splits = {str(k): tuple(int(p) for p in v) for k, v in data["splits"].items()}
        ranked = {
            str(k): tuple(frozenset(str(s) for s in clause) for clause in v)
            for k, v in data["ranked"].items()
        }
        sources = {str(k): (None if v is None else str(v)) for k, v in data["sources"].items()}
    except (ValueError, TypeError, KeyError, AttributeError, OSError):
        return False
    SPLITS.update(splits)
    RANKED.update(ranked)
    SOURCES.update(sources)
    return True


def generate(texts: dict[str, str]) -> str:
    """derived.json for the rubric ``texts``: every answer compiling and
    running it needs, worked out afresh."""
    # Imported here: regex_source, kinds and prefilter import this module.
    from scoring.regex_source import piece_source  # noqa: PLC0415
    from scoring.rubric import parse_rubric  # noqa: PLC0415

    for table in (SPLITS, RANKED, SOURCES):
        table.clear()
    rubric = parse_rubric(texts)
    for compiled in rubric.rules:
        for piece in compiled.matcher.pieces:
            piece_source(f"(?:{piece})")
    data: dict[str, Any] = {
        "format": FORMAT,
        "fingerprint": fingerprint(),
        "splits": {k: list(v) for k, v in SPLITS.items()},
        "ranked": {k: [sorted(c) for c in v] for k, v in RANKED.items()},
        "sources": dict(SOURCES),
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=0) + "\n"


def main() -> None:
    from scoring import resources  # noqa: PLC0415 - see generate()

    path = resources.data_root() / "rubric" / "derived.json"
    path.write_text(generate(resources.rubric_texts()), encoding="utf-8")
    print(f"wrote {path.name}: {len(SPLITS)} patterns, {len(RANKED)} pieces")


if __name__ == "__main__":
    # Run as a script this file is "__main__", a second copy of the module:
    # the tables kinds and prefilter fill are the imported one's.
    from scoring import derived as _module

    _module.main()
