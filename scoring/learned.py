"""A learned second opinion on the four reply criteria.

The rules decide and explain a verdict with the trainee's own words. Beside
them sits a small model learned from every labeled reply the project holds:
one logistic regression per criterion over the character 1- to 3-grams of the
normalised reply (Traditional folded to Simplified, full-width folded, lower
case) plus English words and word pairs. It reads phrasings no rule was
written for.

The two are combined by a fixed rule, not averaged: the rules' verdict
stands unless the model is sure of the opposite, that is its logit is past
the criterion's threshold (``overrule``), fitted on replies the rules had
never seen (benchmarks/train_learned.py). When the model overrules, the
n-grams that weighed most toward its verdict are the evidence.

The weights ship as ``scenarios/rubric/learned.json``; ``benchmarks/
train_learned.py`` rebuilds it from the labeled sets. Pure: no file access
here (``scoring.rubric`` reads the file).
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import add
from typing import Any

from scoring.kinds import UNIT_TRAIL, units
from scoring.model import REPLY_CRITERIA

FORMAT = "kefu-learned/1"
MAX_CHARS = 2000
_WORD = re.compile(r"[a-z][a-z']*")
_LATIN_RUN = re.compile(r"[a-z][a-z']*|\s+")


def features(norm_text: str) -> set[str]:
    """The model's features of a normalised reply: character 1- to 3-grams
    (Chinese, digits, punctuation), English words (``W:``) and word pairs (``B:``)."""
    # Character n-grams over the text with English words blanked out: in
    # English, letter n-grams ("s a", ". ") carry style, not meaning, and the
    # model learned the writers' habits from them. Words carry English. No
    # n-gram spans a blank, so each run between blanks is read on its own.
    out: set[str] = set()
    for run in _LATIN_RUN.sub(" ", norm_text).split(" "):
        if run:
            out.update(run)
            if len(run) > 1:
                pairs = list(map(add, run, run[1:]))
                out.update(pairs)
                out.update(map(add, pairs, run[2:]))
    words = _WORD.findall(norm_text)
    if words:
        out.update(["W:" + w for w in words])
        out.update(["B:" + a + " " + b for a, b in zip(words, words[1:], strict=False)])
    return out


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def fit(
    samples: Sequence[tuple[Sequence[str], bool]],
    *,
    epochs: int = 8,
    rate: float = 0.1,
    l2: float = 1e-5,
    seed: int = 1,
) -> tuple[float, dict[str, float]]:
    """Logistic regression by stochastic gradient descent with a fixed shuffle
    seed: the same samples give the same (bias, weights)."""
    weights: dict[str, float] = {}
    bias = 0.0
    rng = random.Random(seed)
    order = list(range(len(samples)))
    for epoch in range(epochs):
        rng.shuffle(order)
        # a step that shrinks each epoch, so the last pass settles instead of
        # ending wherever the last few replies pushed it
        step = rate / (1 + epoch)
        for i in order:
            feats, label = samples[i]
            x = scale(len(feats))
            z = bias + x * sum(weights.get(k, 0.0) for k in feats)
            g = _sigmoid(z) - (1.0 if label else 0.0)
            bias -= step * g
            for k in feats:
                w = weights.get(k, 0.0)
                weights[k] = w - step * (g * x + l2 * w)
    return bias, weights


def fit_averaged(
    samples: Sequence[tuple[Sequence[str], bool]],
    *,
    seeds: Sequence[int] = (1, 2, 3),
    **settings: Any,
) -> tuple[float, dict[str, float]]:
    """``fit`` once per shuffle seed, the weights averaged: a linear model
    still, so it costs nothing more to run, and a reply near a threshold
    depends less on the order the replies happened to be shuffled in."""
    runs = [fit(samples, seed=seed, **settings) for seed in seeds]
    bias = math.fsum(b for b, _ in runs) / len(runs)
    weights: dict[str, list[float]] = {}
    for _, learned in runs:
        for k, w in learned.items():
            weights.setdefault(k, []).append(w)
    return bias, {k: math.fsum(ws) / len(runs) for k, ws in weights.items()}


def combine(rule: bool, logit: float, keep: float, make: float) -> bool:
    """The verdict when the rules say ``rule`` and the model's logit is ``logit``:
    a True stands unless the logit is at or below ``keep``, a False unless it is
    above ``make``."""
    return logit > keep if rule else logit > make


def scale(count: int) -> float:
    """Each feature's value in a reply with ``count`` features: the vector has
    unit length, so a long reply's logit is not inflated by its length."""
    return 1.0 / math.sqrt(count) if count else 0.0


@dataclass(frozen=True)
class LearnedModel:
    """Per-criterion weights and the thresholds at which the model overrules.

    ``overrule[c] = (keep, make)``: a rule verdict of True stands unless the
    logit is at or below ``keep``; a rule verdict of False stands unless the
    logit is above ``make``.
    """

    criteria: tuple[str, ...]
    bias: tuple[float, ...]
    weights: Mapping[str, tuple[float, ...]]
    overrule: Mapping[str, tuple[float, float]]
    _packed: Mapping[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Each feature's weights packed into one integer, a lane of _LANE bits
        # per criterion holding the weight in ten-thousandths (the precision
        # the weights ship with) plus _OFFSET, so lanes never go negative: a
        # reply's weights then add up in one C-level sum, exactly, whatever
        # order the features come in.
        packed = {k: _pack(w) for k, w in self.weights.items()}
        object.__setattr__(self, "_packed", packed)

    def logits(self, norm_text: str) -> dict[str, float]:
        """The model's logit per criterion (above 0: it thinks the reply earns it).

        Summed exactly (in integer ten-thousandths), so the order features
        come in cannot move a verdict that sits on a threshold."""
        feats = features(norm_text)
        x = scale(len(feats))
        found = list(filter(None, map(self._packed.get, feats)))
        total, bias = sum(found), len(found) * _OFFSET
        out = {}
        for i, c in enumerate(self.criteria):
            lane = (total >> (_LANE * i) & _LANE_MASK) - bias
            out[c] = self.bias[i] + x * (lane / _UNIT)
        return out

    def vote(self, norm_text: str, rules: Mapping[str, bool]) -> dict[str, bool]:
        """The combined verdict: the rules' unless the model is sure otherwise.

        Past MAX_CHARS the model abstains: it learned from chat replies, the
        longest a few hundred characters, and knows nothing of essays."""
        out = dict(rules)
        if len(norm_text) > MAX_CHARS:
            return out
        z = self.logits(norm_text)
        for c, (keep, make) in self.overrule.items():
            if c in out and c in z:
                out[c] = combine(out[c], z[c], keep, make)
        return out

    def evidence(self, norm_text: str, criterion: str, toward: bool) -> list[tuple[int, int]]:
        """Spans of ``norm_text`` (start, end) that weighed most toward ``toward``
        on ``criterion``: the clauses holding the three weightiest n-grams (an
        n-gram alone, where its clause is long), merged where they touch."""
        idx = self.criteria.index(criterion)
        sign = 1.0 if toward else -1.0
        best: dict[str, float] = {}
        for f in features(norm_text):
            w = self.weights.get(f)
            if w is not None and w[idx] * sign > 0:
                best[f] = w[idx] * sign
        spans: list[tuple[int, int]] = []
        for gram in sorted(best, key=lambda g: (-best[g], -len(g), g))[:3]:
            start, end = _locate(norm_text, gram)
            if start < 0:
                continue
            lo, hi = _clause(norm_text, start)
            # the clause, stretched over an n-gram that runs across its end
            lo, hi = min(lo, start), max(hi, end)
            spans.append((lo, hi) if hi - lo <= MAX_CLAUSE else (start, end))
        return _merge(spans)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "criteria": list(self.criteria),
            "bias": [round(b, 4) for b in self.bias],
            "overrule": {c: list(t) for c, t in self.overrule.items()},
            "weights": {k: [round(v, 4) for v in w] for k, w in sorted(self.weights.items())},
        }


MAX_CLAUSE = 60
_UNIT = 10_000  # weights ship rounded to 4 decimals: whole ten-thousandths
_OFFSET = 1 << 24  # > any |weight| * _UNIT, so every lane stays positive
_LANE = 48  # bits per criterion: room for the offsets of 2**23 features
_LANE_MASK = (1 << _LANE) - 1


def _pack(weights: tuple[float, ...]) -> int:
    """One feature's weights as one integer (see LearnedModel.__post_init__)."""
    packed = 0
    for i, w in enumerate(weights):
        units = round(w * _UNIT)
        if abs(units) >= _OFFSET:
            raise LearnedModelError(f"weight {w} is out of range")
        packed |= (units + _OFFSET) << (_LANE * i)
    return packed


def _locate(text: str, gram: str) -> tuple[int, int]:
    """Where a feature first occurs in ``text`` ((-1, -1) if nowhere)."""
    if gram.startswith(("W:", "B:")):
        m = re.search(r"(?<![a-z'])" + re.escape(gram[2:]) + r"(?![a-z'])", text)
        return (m.start(), m.end()) if m else (-1, -1)
    start = text.find(gram)
    return (start, start + len(gram)) if start >= 0 else (-1, -1)


def _clause(text: str, pos: int) -> tuple[int, int]:
    """The clause holding text[pos], without its closing punctuation or spaces
    (clauses split as the rules split them, ``scoring.kinds.units``)."""
    for lo, hi in units(text, "clause"):
        if lo <= pos < hi:
            core = text[lo:hi].rstrip(UNIT_TRAIL)
            skip = len(core) - len(core.lstrip())
            return lo + skip, lo + len(core)
    return pos, pos + 1


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(e, out[-1][1]))
        else:
            out.append((s, e))
    return out


_KEYS = {"format", "criteria", "bias", "overrule", "weights", "trained_on"}


class LearnedModelError(ValueError):
    """The weights file is not a model this version reads."""


def from_dict(data: Any) -> LearnedModel:
    """A model from its JSON form; LearnedModelError says what is wrong."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise LearnedModelError(f"not a {FORMAT} model")
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise LearnedModelError(f"unknown key(s): {', '.join(unknown)}")
    criteria = data.get("criteria")
    if not isinstance(criteria, list) or not set(criteria) <= set(REPLY_CRITERIA) or not criteria:
        raise LearnedModelError("criteria must list reply criteria")
    n = len(criteria)
    bias, weights, overrule = data.get("bias"), data.get("weights"), data.get("overrule")
    if not isinstance(bias, list) or len(bias) != n:
        raise LearnedModelError(f"bias must hold {n} numbers")
    if not isinstance(weights, dict) or not all(
        isinstance(w, list) and len(w) == n for w in weights.values()
    ):
        raise LearnedModelError(f"each weight must hold {n} numbers")
    if not isinstance(overrule, dict) or not all(
        c in criteria and isinstance(t, list) and len(t) == 2 and t[0] <= t[1]
        for c, t in overrule.items()
    ):
        raise LearnedModelError("overrule must map criteria to [keep, make] with keep <= make")
    return LearnedModel(
        criteria=tuple(criteria),
        bias=tuple(float(b) for b in bias),
        weights={k: tuple(float(v) for v in w) for k, w in weights.items()},
        overrule={c: (float(t[0]), float(t[1])) for c, t in overrule.items()},
    )
