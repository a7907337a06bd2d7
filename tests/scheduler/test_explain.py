"""Why a round ends after its deadline: a labour rule the groups cannot keep, or units that finish late.

The tiny town (tests/data/tiny.yaml) with ``max_work_min: 120``: its one group may work 2 h a day, travel
and set-up included, so it swabs 100 minutes a day at its one desk (100 people an hour): 166 people a day of
348.  The joint bound proves the round needs 3 days.  The first two days are called with a person to spare
(nobody may wait through the night): 165 each; the third day's 18 are done at 08:31 (08:20 + 10.8 min).
"""

import json

from natplan.cli import main
from natplan.models.loader import LoadedScenario
from natplan.planfile import plan_json
from natplan.scheduler.pipeline import plan_round
from natplan.scheduler.verify import verify
from tests.scheduler.conftest import tiny_with


def test_a_day_too_short_for_the_round_is_explained_with_numbers(tiny):
    s = tiny_with(tiny, parameters__max_work_min=120)
    out = plan_round(LoadedScenario(s, tiny.path, tiny.digest, tiny.geometry))
    assert out.plan is None
    (e,) = out.problems
    assert (e.where, e.code) == ("town", "days")
    assert e.problem == ("under the labour rules the round needs 3 days, and 1 allowed: its 1 samplers at desks, at "
                         "most 2 h of work a day each, sample at most about 166 of its 348 walk-in people a day (the "
                         "plan finishes on day 3 at 08:31, the deadline is 13:00)")
    assert e.fix == ("add about 2 samplers with desks to work (more groups, or desks where groups have spare "
                     "samplers), allow 3 days (parameters.round_days: 3), or a longer day (parameters.max_work_min)")


def test_with_the_days_allowed_the_round_is_planned_over_them(tiny):
    s = tiny_with(tiny, parameters__max_work_min=120, parameters__round_days=3)
    out = plan_round(LoadedScenario(s, tiny.path, tiny.digest, tiny.geometry))
    assert out.problems == []
    k = out.plan.kpis
    assert (k.days, k.finish) == (3, 2 * 24 * 60 + 8 * 60 + 31)
    # every day the group arrives at 08:00 and works at most 2 h; the people come on the day of their slot
    days = sorted({v.arrive // (24 * 60) for v in out.plan.staffing.visits})
    assert days == [0, 1, 2]
    assert all(v.close - v.arrive <= 120 for v in out.plan.staffing.visits)
    # and the plan keeps every rule: units closed for the night, each day's last tube taken that day
    assert verify(s, json.loads(plan_json(out.plan))) == []


def test_cli_says_which_rule_in_chinese_exits_2_and_writes_nothing(tmp_path, data_dir, capsys):
    bad = tmp_path / "short_day.yaml"
    text = (data_dir / "tiny.yaml").read_text(encoding="utf-8")
    bad.write_text(text.replace("  throughput_per_desk_per_hour: 100", "  throughput_per_desk_per_hour: 100\n"
                                "  max_work_min: 120"), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["plan", str(bad), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert ("按劳动规则本轮需要 3 天，只允许 1 天：1 名在岗采样员每人每天最多工作 2 小时，每天最多约采 166 人，"
            "到点采样共 348 人（方案第 3 天 08:31 采完，截止 13:00）") in err
    assert "允许 3 天（parameters.round_days: 3）" in err and "Traceback" not in err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [bad]
