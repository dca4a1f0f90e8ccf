"""A key indented too far or too little reads as text to the YAML reader ("mapping
values are not allowed", "expected '-' indicator"): the message says it is the
indentation, naming the key and the line it should line up with, and keeps the
colon-in-a-text advice for a text that merely holds a word and a colon."""

from __future__ import annotations

import pytest

from scoring.yamldoc import YamlError, parse


def _message(text: str, **kw: object) -> tuple[int, int, str]:
    with pytest.raises(YamlError) as info:
        parse(text, "x.yaml", **kw)  # type: ignore[arg-type]
    (problem,) = info.value.problems
    return problem.line, problem.col, problem.message


def test_a_key_of_the_document_indented_too_far():
    text = "a:\n  b: 1\n  c: 2\nd:\n  b: 1\n    c: 2\n"
    line, col, message = _message(text)
    assert (line, col) == (6, 5)
    assert message.startswith(
        "the indentation does not match the lines above: 'c' is indented more than 'b' on line 5;"
    )


def test_known_keys_tell_a_key_from_a_word_of_text():
    text = "title:\n  en: The buyer ordered\n    Note: a second line\n"
    assert _message(text)[2].startswith("a colon and a space inside a value")
    line, col, message = _message(text, keys={"title", "en", "Note"})
    assert (line, col) == (3, 5)
    assert message.startswith("the indentation does not match the lines above: 'Note' is")


def test_a_colon_on_the_key_line_is_a_colon_in_a_value():
    assert _message("a: 1\nname: 王先生: 老客户\n")[2].startswith("a colon and a space inside")


def test_a_key_lined_up_with_the_dashes_of_a_list():
    items = "on:\n  - if: x\n    goto: a\n  - else: true\n  goto: b\n"
    assert (
        "'goto' lines up with the '-' of the list items above; if it belongs to the item "
        "above, indent it like 'else' on line 4" in _message(items)[2]
    )
    texts = "node:\n  say:\n    - one\n    - two\n    model_reply: x\n"
    assert _message(texts, keys={"model_reply"})[2].startswith(
        "the indentation does not match the lines above: 'model_reply' is indented like the "
        "items of the list above; keys of one mapping start in the same column (indent with "
        "spaces): line it up with 'say' on line 2"
    )
