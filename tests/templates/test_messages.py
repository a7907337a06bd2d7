"""Warnings and solver names in the set's language: each known English sentence has a code and parameters
and is said again in Chinese; an unknown one is pointed to, never printed half in English."""

import pytest

from natplan.templates.messages import METHODS, WARNINGS, method_text, warning_code, warning_text

CASES = [
    ("zone Z1 西南片 needs 3 vehicles for 30-min loops but has 1: add 2, or split the zone", "zone_vehicles",
     "收样片区 Z1 西南片按每 30 分钟一圈需要 3 辆车，现有 1 辆：请增加 2 辆，或拆分片区"),
    ("zone Z2 北 片 has no open unit; no courier loop", "zone_closed", "收样片区 Z2 北 片没有开放的检测单元，本轮不跑收样路线"),
    ("zone Z3: unit U07 is too far for a 30-min loop (41 min); it gets its own vehicle and is collected every 41 min",
     "unit_far", "收样片区 Z3：检测单元 U07 太远，一圈要 41 分钟，超过 30 分钟的收样间隔；单独派一辆车，每 41 分钟收一次"),
    ("unit U05 东坡检测点 has no one assigned; it stays closed", "unit_closed", "检测单元 U05 东坡检测点没有分到居民，本轮不开放"),
    ("group T9 第9组 has no unit to staff", "group_idle", "检测组 T9 第9组没有分到检测单元，本轮待命"),
    ("unit U2 stops sampling 08:49–09:04: every sampler there is on a break (gown change or meal) and none is free to "
     "cover it; one more sampler in T2 would keep it open", "unit_pause",
     "检测单元 U2 在 08:49–09:04 暂停采样：采样员都在换防护服或用餐，无人替岗；检测组 T2 各加一名采样员即可不停"),
    ("grid G012 is bigger than any unit within reach can take (900 people); it is split into 2 household ranges",
     "grid_split", "网格 G012 的人数超过附近任一检测单元的容量（900 人），按户号分成 2 段"),
    ("town.yaml:41: warning: units[3].open: unit U04 window 05:00–19:00 lies outside the round 06:00–18:00; "
     "only the part inside is used", "unit_window", "检测单元 U04 的开放时间 05:00–19:00 超出本轮 06:00–18:00，只用其中的部分"),
    ("town.yaml:60: warning: groups[0].members: group T1 has no disinfector; a unit it staffs will lack one",
     "group_role", "检测组 T1 没有消杀员，它驻守的检测单元将缺这一岗位"),
]


@pytest.mark.parametrize("english, code, chinese", CASES)
def test_known_warnings_in_chinese_and_back_in_english(english, code, chinese):
    assert warning_code(english)[0] == code
    assert warning_text(english, "zh") == chinese
    if not english.startswith("town.yaml"):  # the loader's place is dropped from the English too
        assert warning_text(english, "en") == english


def test_an_unknown_warning_is_pointed_to_in_chinese():
    text = "something new happened"
    assert warning_code(text) is None
    assert warning_text(text, "zh", 3) == "第 4 条提醒（见 plan.json 的 warnings[3]）"
    assert warning_text(text, "en", 3) == text


def test_every_code_has_both_languages_with_the_same_fields():
    import string

    def fields(s):
        return {name for _, name, _, _ in string.Formatter().parse(s) if name}

    for code, (zh, en) in WARNINGS.items():
        if code != "unknown":
            assert fields(zh) == fields(en), code


def test_solver_methods_in_words():
    assert method_text("cpsat-lns", "zh") == "整数规划求解（大邻域搜索）"
    assert method_text("cpsat-lns", "en").startswith("CP-SAT")
    assert method_text("a method not known", "zh") == "求解方法见 plan.json"
    assert method_text("a method not known", "en") == "a method not known"
    assert all(not any("a" <= ch.lower() <= "z" for ch in zh) for zh, _ in METHODS.values())
