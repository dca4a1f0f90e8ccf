"""Text normalisation with an offset map back to the original reply.

Matching runs on a normalised copy of the reply: compatibility forms folded
(full-width letters, digits and punctuation to half-width), lower case,
Traditional Chinese converted to Simplified with OpenCC ``t2s`` (written
Cantonese and 妳 folded first), texting English spelled out (u, ur, pls, tmr, sry),
and whitespace runs kept as single characters. ``Normalized.source`` maps every
normalised character back to the index of the original character it came
from, so evidence spans always point at the trainee's own characters.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import opencc

_CONVERTER = opencc.OpenCC("t2s")

# Characters NFKC leaves alone but that mean the same to the rubric.
_EXTRA_FOLD = str.maketrans({"\u3002": "。", "\uff61": "。", "\u3000": " ", "\u00a0": " "})

# Written Cantonese (Hong Kong replies) folded to the Mandarin characters the
# rubric is written in, one character for one so offsets stay exact:
# 唔好意思 -> 不好意思, 唔關我哋事 -> 不关我们事, 冇做錯 -> 没做错.
# The same table folds 妳 (you, to a woman; common in Taiwan) and 祢 (you, to a
# deity) to 你: OpenCC t2s keeps them, and "退妳100元" would miss every rule
# written with 你 and 您.
_CANTONESE = str.maketrans(
    {
        "妳": "你",
        "祢": "你",
        "唔": "不",
        "冇": "没",
        "係": "是",
        "嘅": "的",
        "咗": "了",
        "哋": "们",
        "佢": "他",
        "睇": "看",
        "嚟": "来",
        "喺": "在",
        "啲": "些",
        "俾": "给",
        "畀": "给",
        "咩": "啥",
        "攞": "拿",
    }
)
_CJK_SPACE = re.compile(r"(?<=[\u3400-\u9fff])[ \t]+(?=[\u3400-\u9fff])")
# Same-length pairs, applied after the single characters above.
_CANTONESE_PAIRS = (
    ("是咪", "是否"),
    ("點解", "为何"),
    ("点解", "为何"),
    ("邊度", "哪里"),
    ("边度", "哪里"),
    ("邊個", "哪个"),
    ("边个", "哪个"),
    ("想點", "想怎"),
    ("不使", "不用"),
    ("仲有", "还有"),
)

# Cheap checks that spare most replies the translate and the replacements.
_HAS_CANTONESE = re.compile("[" + "".join(chr(c) for c in _CANTONESE) + "]")
_HAS_PAIR = re.compile("|".join(re.escape(c) for c, _m in _CANTONESE_PAIRS))


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalised text and, per character, its index in the original."""

    original: str
    text: str
    source: tuple[int, ...]
    traditional: bool

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of ``text`` to a span of ``original``."""
        if end <= start or not self.source:
            pos = self.source[start] if start < len(self.source) else len(self.original)
            return pos, pos
        return self.source[start], self.source[end - 1] + 1


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    """Width-fold and lower-case one character."""
    folded = unicodedata.normalize("NFKC", ch.translate(_EXTRA_FOLD))
    return folded.lower()


# Full-width ASCII (U+FF01-FF5E) and the ideographic space, folded in one translate.
_FAST_FOLD = str.maketrans(
    {
        **{chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)},
        "\u3000": " ",
        "\u00a0": " ",
        "\uff61": "。",
    }
)


def _fold(text: str) -> tuple[str, tuple[int, ...]]:
    """Fold every character, remembering which original index each came from."""
    if text.isascii():
        return text.lower(), tuple(range(len(text)))
    fast = text.translate(_FAST_FOLD)
    if unicodedata.is_normalized("NFKC", fast):
        lowered = fast.lower()
        if len(lowered) == len(text):
            # Nothing changes length: the offset map is the identity.
            return lowered, tuple(range(len(text)))
    parts: list[str] = []
    source: list[int] = []
    for i, ch in enumerate(text):
        folded = _fold_char(ch)
        parts.append(folded)
        source.extend([i] * len(folded))
    return "".join(parts), tuple(source)


# Texting English spelled out, so "sry, refund ur $20 tmr" reads like "sorry, refund your
# $20 tomorrow" to every rule. A word only where no letter, digit or apostrophe
# touches it, and not "u" of U盘 (a USB stick), "u.s." or "u-turn".
_TEXTING = {
    "u": "you",
    "ur": "your",
    "pls": "please",
    "plz": "please",
    "thx": "thanks",
    "tmr": "tomorrow",
    "tmrw": "tomorrow",
    "tomorow": "tomorrow",
    "sry": "sorry",
    "srry": "sorry",
    "sori": "sorry",
    "soory": "sorry",
    "sowwy": "sorry",
    "soz": "sorry",
}
_TEXTING_WORD = re.compile(
    r"(?<![a-z0-9'])(?:"
    + "|".join(sorted(_TEXTING, key=len, reverse=True))
    + r")(?![a-z0-9'盘]|[.-][a-z])"
)


def _spell_out(text: str, source: tuple[int, ...]) -> tuple[str, tuple[int, ...]]:
    """Replace texting words (``_TEXTING``), keeping the offset map: the
    replacement's letters map one to one onto the word's, any extra letters
    onto its last character; the rest of the text keeps its map."""
    parts: list[str] = []
    mapped: list[int] = []
    last = 0
    for m in _TEXTING_WORD.finditer(text):
        start, end = m.span()
        parts.append(text[last:start])
        mapped.extend(source[last:start])
        word = _TEXTING[m.group()]
        parts.append(word)
        # the replacement's letters cover the original word: first letters map
        # one to one, any extra letters to the word's last character
        mapped.extend(source[start + min(i, end - start - 1)] for i in range(len(word)))
        last = end
    parts.append(text[last:])
    mapped.extend(source[last:])
    return "".join(parts), tuple(mapped)


def to_simplified(text: str) -> str:
    """OpenCC t2s conversion (character and phrase level)."""
    return _CONVERTER.convert(text)


def normalize(text: str) -> Normalized:
    """Normalise ``text`` for matching; see the module docstring."""
    folded, source = _fold(text)
    if _TEXTING_WORD.search(folded):
        folded, source = _spell_out(folded, source)
    if folded.isascii():
        return Normalized(text, folded, source, False)
    if _HAS_CANTONESE.search(folded):
        folded = folded.translate(_CANTONESE)  # before t2s, which turns 係 into 系
    if _HAS_PAIR.search(folded):
        for cantonese, mandarin in _CANTONESE_PAIRS:
            if cantonese in folded:
                folded = folded.replace(cantonese, mandarin)
    simplified = _CONVERTER.convert(folded)
    if len(simplified) != len(folded):
        # A phrase-level conversion changed the length; convert per character
        # so that the offset map stays exact.
        simplified = "".join(c if len(c := _CONVERTER.convert(ch)) == 1 else ch for ch in folded)
    traditional = simplified != folded
    # Chat bubbles merged with spaces: a space between Chinese characters
    # separates clauses like a comma (same length, so offsets are unchanged).
    if " " in simplified or "\t" in simplified:
        simplified = _CJK_SPACE.sub(lambda m: "," * len(m.group()), simplified)
    return Normalized(text, simplified, source, traditional)
