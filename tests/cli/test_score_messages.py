"""``kefu score`` names what is wrong with a turn in plain words."""

from __future__ import annotations

from click.testing import CliRunner

from simulator.cli import main


def test_a_turn_without_a_role_says_it_is_missing():
    line = '{"id": "c1", "turns": [{"text": "杯子碎了"}, {"role": "agent", "text": "抱歉"}]}\n'
    result = CliRunner().invoke(main, ["score", "-"], input=line.encode(), catch_exceptions=False)
    assert result.exit_code == 1
    assert "<stdin>:1: turns[0].role is missing; give 'buyer' or 'agent'\n" in result.stderr
    assert "None" not in result.stderr + result.stdout
