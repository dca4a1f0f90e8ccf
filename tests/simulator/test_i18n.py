"""The UI message catalogs: complete, consistent, and derived Traditional text."""

from __future__ import annotations

import re

import pytest

from simulator import i18n
from simulator.i18n import LANGS


def test_zh_and_en_have_the_same_keys() -> None:
    zh, en = i18n.catalog("zh"), i18n.catalog("en")
    assert sorted(set(zh) - set(en)) == []
    assert sorted(set(en) - set(zh)) == []
    assert len(zh) > 20


@pytest.mark.parametrize("lang", ["zh-Hant", "en"])
def test_placeholders_match_simplified(lang: str) -> None:
    zh, other = i18n.catalog("zh"), i18n.catalog(lang)
    wrong = {k: (i18n.placeholders(v), i18n.placeholders(other[k])) for k, v in zh.items()}
    assert {k: v for k, v in wrong.items() if v[0] != v[1]} == {}


def test_traditional_is_converted_with_taiwan_wording() -> None:
    hant = i18n.catalog("zh-Hant")
    assert hant["app.loading"] == "正在載入場景庫…"
    assert set(hant) == set(i18n.catalog("zh"))


# Readings OpenCC's s2twp gives our Simplified wording that are wrong here
# (scoring.feedback._HANT_FIXES and locales/zh-Hant/ put them right).
MISREADINGS = {
    "全域性": "全局 (global) is 全域 in Taiwan; 全域性 is global-ness",
    "傢俬": "买家私信 (message the buyer) is no furniture",
    "回復": "a reply is 回覆 (回復: restore)",
    "許可權": "权限 (authority) is 權限, not a software permission",
    "質量": "product quality is 品質 (質量: mass)",
    "釋出": "发布 (publishing scenarios to the team) is 發布; 釋出 is a software release",
    "製表符": "a tab character is 定位字元 in Taiwan",
    "反斜槓": "a backslash is 反斜線 in Taiwan",
}


def test_traditional_catalog_has_none_of_openccs_misreadings() -> None:
    """Every zh string as zh-Hant shows it: F1 help and the palette's help
    entry read 當前介面和全域性可用的按鍵 (全局 -> 全域性)."""
    hant = i18n.catalog("zh-Hant")
    found = {k: [w for w in MISREADINGS if w in v] for k, v in hant.items()}
    assert {k: v for k, v in found.items() if v} == {}
    assert hant["help.intro"].endswith("下面是當前介面和全域可用的按鍵。")
    assert hant["cmd.help_help"] == "列出當前介面和全域的快捷鍵"


def test_an_object_is_a_json_object_only_where_the_text_means_one() -> None:
    """对象 is a JSON object (物件) in kefu score's messages, and the person an
    assignment is for (對象) on the team screens: s2twp makes both 物件."""
    hant = i18n.catalog("zh-Hant")
    assert [k for k, v in hant.items() if "物件" in v and not k.startswith("score.")] == []
    assert hant["supervisor.col.to"] == "對象"


def test_translator_formats_and_falls_back() -> None:
    t = i18n.Translator("en")
    assert t("app.lang_now", name="English") == "Language: English"
    assert t("no.such.key") == "no.such.key"
    assert t("app.lang_now") == "Language: {name}"
    assert i18n.Translator("xx").lang == "zh"


def test_a_said_value_is_said_in_the_translators_language() -> None:
    """A message kept as a key and values (an error in a status line) is worded
    when shown, so it follows a switch of language."""
    error = i18n.Said.of("store.closed", id=3, status=i18n.Said("store.word.finished"))
    assert (
        i18n.Translator("zh")("chat.no_deadline", error=error)
        == "无法读取考试限时：练习 3 已结束，不能再更改"
    )
    assert i18n.Translator("en")("chat.no_deadline", error=error) == (
        "Cannot read the exam's time limit: attempt 3 is finished; it cannot change"
    )
    assert error.text("zh-Hant") == "練習 3 已結束，不能再更改"


def test_english_counts_agree_with_their_noun() -> None:
    t = i18n.Translator("en")
    one = t("report.subtitle", period="May", trainees=1, attempts=1)
    many = t("report.subtitle", period="May", trainees=4, attempts=0)
    assert one == "May · 1 trainee · 1 attempt"
    assert many == "May · 4 trainees · 0 attempts"
    assert i18n.placeholders("{n} {n|hint|hints}") == {"n"}
    zh = i18n.Translator("zh")("report.subtitle", period="5月", trainees=1, attempts=1)
    assert zh == "5月 · 1 名学员 · 1 次练习"


@pytest.mark.parametrize(
    ("given", "lang"),
    [("zh-CN", "zh"), ("zh_TW", "zh-Hant"), ("zh-Hant", "zh-Hant"), ("EN-us", "en"), (None, "zh")],
)
def test_normalize_lang(given: str | None, lang: str) -> None:
    assert i18n.normalize_lang(given) == lang


def test_unknown_language_is_a_clear_error() -> None:
    with pytest.raises(i18n.CatalogError, match="unknown UI language"):
        i18n.catalog("fr")


def test_every_binding_id_has_a_label_in_every_language() -> None:
    """Bindings with an id take their label from the catalog (area.keys.name)."""
    import subprocess
    import sys

    code = (
        "import importlib, pkgutil, simulator.tui as t\n"
        "from textual.dom import DOMNode\n"
        "for m in pkgutil.walk_packages(t.__path__, 'simulator.tui.'):\n"
        "    importlib.import_module(m.name)\n"
        "seen = set()\n"
        "def walk(c):\n"
        "    for s in c.__subclasses__():\n"
        "        yield s\n"
        "        yield from walk(s)\n"
        "for cls in walk(DOMNode):\n"
        "    if cls.__module__.startswith('simulator.tui'):\n"
        "        for b in cls.BINDINGS:\n"
        "            if getattr(b, 'id', None): seen.add(b.id)\n"
        "print('\\n'.join(sorted(seen)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert "app.help" in out
    from simulator.tui.screens.base import binding_key

    for lang in ("zh", "en"):
        cat = i18n.catalog(lang)
        assert [b for b in out if binding_key(b) not in cat] == [], lang


def _message_keys() -> tuple[set[str], set[str]]:
    """The catalog keys the code says problems and its commands' lines with (those of
    ``said``, ``Said.of``, ``_advice``, ``_Refused`` and ``t("validate...")``), and
    patterns for the keys it builds (``said(f"what.{what}")``)."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    keys: set[str] = set()
    patterns: set[str] = set()
    prefixes = {"said": "validate.", "of": "", "_advice": "", "_Refused": "", "t": ""}
    for path in [*root.glob("scoring/*.py"), *root.glob("simulator/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name == "choice" and node.args and isinstance(node.args[-1], ast.Constant):
                keys.add(f"validate.what.{node.args[-1].value}")  # _Reader.choice's "what"
            if name not in prefixes or not node.args:
                continue
            # _Refused(node, key, ...): the key is the second argument
            arg = node.args[1] if name == "_Refused" and len(node.args) > 1 else node.args[0]
            prefix = prefixes[name]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                if name != "t" or arg.value.startswith("validate."):
                    keys.add(prefix + arg.value)
            elif isinstance(arg, ast.JoinedStr) and name != "t":
                parts = [
                    re.escape(v.value) if isinstance(v, ast.Constant) else r"\w+"
                    for v in arg.values
                ]
                patterns.add(re.escape(prefix) + "".join(parts))
    return keys, patterns


def test_every_message_key_the_code_uses_is_in_english_and_chinese() -> None:
    from scoring.yaml_advice import _PLAIN

    keys, patterns = _message_keys()
    keys |= {key for _, _, key in _PLAIN}
    # what parse_condition's choices name, and the self-tests' unknown names
    keys |= {f"validate.what.{w}" for w in ("remedy_type", "blame_target", "specific")}
    keys |= {"validate.what.criterion", "validate.what.check"}
    assert len(keys) > 100 and len(patterns) >= 5  # the scan finds them
    for lang in ("en", "zh"):
        cat = i18n.catalog(lang)
        assert sorted(k for k in keys if k not in cat) == [], lang
        unmatched = [p for p in patterns if not any(re.fullmatch(p, k) for k in cat)]
        assert unmatched == [], lang
    # the scoring core renders its own messages (no simulator): the same texts
    from scoring.problems import Said

    for key in (k for k in keys if k.startswith("yaml.")):
        for lang in LANGS:
            assert Said(key).text(lang) == i18n.Translator(lang)(key), (key, lang)


def test_a_problem_is_said_in_every_language() -> None:
    from scoring.yamldoc import YamlError, parse
    from simulator.said import said

    with pytest.raises(YamlError) as err:
        parse("a: 1\na: 2\n", "x.yaml")
    problem = err.value.problems[0]
    assert str(problem).startswith("x.yaml:2:1: duplicate key 'a' (also on line 1)")
    assert problem.located("zh").startswith("x.yaml:2:1: 字段 'a' 重复了（第 1 行也有）")
    assert problem.text("zh-Hant").startswith("欄位 'a' 重複了")
    unreachable = said("graph.unreachable", node="late", start="opening")
    assert unreachable.text("zh") == "从 'opening' 走不到节点 'late'"
    assert unreachable.text("en") == "node 'late' cannot be reached from 'opening'"
    counted = said("test.none_run_unplayable", n=1)
    assert counted.text("en").startswith("1 self-test not run")
    # problems cross from worker processes as they are
    import pickle

    assert pickle.loads(pickle.dumps(problem)) == problem
    assert pickle.loads(pickle.dumps(unreachable)).text("zh") == unreachable.text("zh")


def test_the_app_reads_the_scoring_cores_catalogs_without_importing_it() -> None:
    from scoring.problems import LOCALES

    assert i18n._roots()[0].resolve() == LOCALES.resolve()
