"""The debrief's "next" stays in the attempt's assignment, judged by that assignment's attempts."""

from __future__ import annotations

from pathlib import Path

from tests.tui.team_seed import (
    AMY,
    NOW,
    SHOES,
    SHOES_GOOD,
    exam_for,
    open_debrief,
    ready,
    record,
    store_as,
    team_app,
)

WINE = "wine-glass-set-arrived-shattered"
WINE_GOOD = [
    "非常抱歉，酒杯碎了让您扫兴了！方便拍一下碎杯和外箱的照片吗？",
    "照片收到了，今天给您补发一整套新的，加厚包装，运费我们承担。",
]


async def test_a_practice_pass_does_not_skip_the_exam_scenario(tmp_path: Path) -> None:
    """Amy passed the wine-glass scenario in practice last week; in her exam it is
    still to do, so "next" after the exam's first scenario is that one, in the exam."""
    exam = exam_for(tmp_path, AMY, pass_mark=60)
    with store_as(tmp_path, AMY) as amy:
        practice = record(amy, WINE, WINE_GOOD, NOW - 7 * 86400)
        done = record(amy, SHOES, SHOES_GOOD, NOW - 3600, "exam", exam.id)
        assert (amy.get_attempt(practice).score or 0) >= 60  # a pass, but in practice
        attempt = amy.get_attempt(done)
    app = team_app(tmp_path, user=AMY)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(app, pilot)
        screen = await open_debrief(app, pilot, attempt, "exam")
        assert screen.next_ready and screen.next_from_set
        assert screen.next_id == WINE
