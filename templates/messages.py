"""The plan's warnings and solver names in the printed set's language.

The library writes its warnings as English sentences (``plan.json`` keeps
them so, byte for byte).  A printed set in Chinese must have no English, so
each known sentence is given a code and its parameters here, by one regular
expression per code, and said again from the code in the chosen language
(:func:`warning_text`).  A sentence no pattern knows is never printed in
English in the Chinese set: it becomes a pointer to its place in
``plan.json`` (``warnings[3]``), so that nothing is hidden and nothing is
half-translated.

>>> warning_text("zone Z1 西南片 needs 3 vehicles for 30-min loops but has 1: add 2, or split the zone", "zh")
'收样片区 Z1 西南片按每 30 分钟一圈需要 3 辆车，现有 1 辆：请增加 2 辆，或拆分片区'
>>> warning_code("group T9 第9组 has no unit to staff")
('group_idle', {'group': 'T9', 'name': '第9组'})
"""
from __future__ import annotations

import re

# (code, pattern over the English sentence). Names may hold spaces: they run up to a fixed word.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [(code, re.compile(rx)) for code, rx in [
    ("zone_vehicles", r"^zone (?P<zone>\S+) (?P<name>.+?) needs (?P<need>\d+) vehicles for (?P<interval>\d+)-min "
                      r"loops but has (?P<has>\d+): add (?P<add>\d+), or split the zone$"),
    ("zone_closed", r"^zone (?P<zone>\S+) (?P<name>.+?) has no open unit; no courier loop$"),
    ("unit_far", r"^zone (?P<zone>\S+): unit (?P<unit>\S+) is too far for a (?P<interval>\d+)-min loop "
                 r"\((?P<loop>\d+) min\); it gets its own vehicle and is collected every (?P=loop) min$"),
    ("unit_closed", r"^unit (?P<unit>\S+) (?P<name>.+?) has no one assigned; it stays closed$"),
    ("group_idle", r"^group (?P<group>\S+) (?P<name>.+?) has no unit to staff$"),
    ("units_closed", r"^units (?P<units>.+) have no one assigned; they stay closed$"),
    ("groups_idle", r"^groups (?P<groups>.+) have no unit to staff$"),
    ("unit_pause", r"^unit (?P<unit>\S+) stops sampling (?P<spans>.+?): every sampler there is on a break \(gown change "
                   r"or meal\) and none is free to cover it; one more sampler in (?P<groups>.+) would keep it open$"),
    ("grid_split", r"^grid (?P<grid>\S+) is bigger than any unit within reach can take \((?P<cap>\d+) people\); "
                   r"it is split into (?P<parts>\d+) household ranges$"),
    ("relief", r"^group (?P<group>\S+) (?P<name>.+?) is at work (?P<start>\S+)–(?P<end>\S+) \((?P<hours>[\d.]+) h\), "
               r"more than the (?P<limit>[\d.]+) h a person may: its members work in (?P<shifts>\d+) shifts, "
               r"handing over at (?P<handovers>.+)$"),
    ("staggered", r"^the city starts this township (?P<delay>\d+) min after its start \((?P<at>\S+) instead of "
                  r"(?P<was>\S+)\), so that lab (?P<lab>\S+)'s queue, shared with other townships, keeps the "
                  r"(?P<limit>\d+)-min age limit$"),
    # scenario checks, as the loader formats them: "FILE:LINE: warning: PATH: message"
    ("unit_window", r"^(?:.*?: )?(?:warning: )?(?:\S+: )?unit (?P<unit>\S+) window (?P<open>\S+)–(?P<close>\S+) lies "
                    r"outside the round (?P<start>\S+)–(?P<end>\S+); only the part inside is used$"),
    ("group_role", r"^(?:.*?: )?(?:warning: )?(?:\S+: )?group (?P<group>\S+) has no (?P<role>\w+); "
                   r"a unit it staffs will lack one$"),
]]

WARNINGS: dict[str, tuple[str, str]] = {
    "zone_vehicles": ("收样片区 {zone} {name}按每 {interval} 分钟一圈需要 {need} 辆车，现有 {has} 辆：请增加 {add} 辆，"
                      "或拆分片区",
                      "zone {zone} {name} needs {need} vehicles for {interval}-min loops but has {has}: add {add}, "
                      "or split the zone"),
    "zone_closed": ("收样片区 {zone} {name}没有开放的检测单元，本轮不跑收样路线",
                    "zone {zone} {name} has no open unit; no courier loop"),
    "unit_far": ("收样片区 {zone}：检测单元 {unit} 太远，一圈要 {loop} 分钟，超过 {interval} 分钟的收样间隔；"
                 "单独派一辆车，每 {loop} 分钟收一次",
                 "zone {zone}: unit {unit} is too far for a {interval}-min loop ({loop} min); it gets its own "
                 "vehicle and is collected every {loop} min"),
    "unit_closed": ("检测单元 {unit} {name}没有分到居民，本轮不开放",
                    "unit {unit} {name} has no one assigned; it stays closed"),
    "group_idle": ("检测组 {group} {name}没有分到检测单元，本轮待命", "group {group} {name} has no unit to staff"),
    "units_closed": ("检测单元 {units} 没有分到居民，本轮不开放", "units {units} have no one assigned; they stay closed"),
    "unit_pause": ("检测单元 {unit} 在 {spans} 暂停采样：采样员都在换防护服或用餐，无人替岗；检测组 {groups} 各加一名采样员即可不停",
                   "unit {unit} stops sampling {spans}: every sampler there is on a break (gown change or meal) and "
                   "none is free to cover it; one more sampler in {groups} would keep it open"),
    "groups_idle": ("检测组 {groups} 没有分到检测单元，本轮待命", "groups {groups} have no unit to staff"),
    "grid_split": ("网格 {grid} 的人数超过附近任一检测单元的容量（{cap} 人），按户号分成 {parts} 段",
                   "grid {grid} is bigger than any unit within reach can take ({cap} people); it is split into "
                   "{parts} household ranges"),
    "relief": ("检测组 {group} {name}工作时间 {start}–{end}（{hours} 小时），超过每人每天最多 {limit} 小时：组员分 {shifts} "
               "班轮换，交接时间 {handovers}",
               "group {group} {name} is at work {start}–{end} ({hours} h), more than the {limit} h a person may: its "
               "members work in {shifts} shifts, handing over at {handovers}"),
    "unit_window": ("检测单元 {unit} 的开放时间 {open}–{close} 超出本轮 {start}–{end}，只用其中的部分",
                    "unit {unit} window {open}–{close} lies outside the round {start}–{end}; only the part inside "
                    "is used"),
    "group_role": ("检测组 {group} 没有{role}，它驻守的检测单元将缺这一岗位",
                   "group {group} has no {role}; a unit it staffs will lack one"),
    "staggered": ("全市错峰：本镇街比全市晚 {delay} 分钟开始（{at}，全市 {was}），使与其他镇街共用的实验室 {lab} 排队后，"
                  "样本仍在 {limit} 分钟时限内检测",
                  "the city starts this township {delay} min after its start ({at} instead of {was}), so that lab "
                  "{lab}'s queue, shared with other townships, keeps the {limit}-min age limit"),
    "unknown": ("第 {n} 条提醒（见 plan.json 的 warnings[{i}]）", "{text}"),
}

ROLE_WORDS = {"registrar": ("登记员", "registrar"), "order_keeper": ("秩序维护员", "order keeper"),
              "disinfector": ("消杀员", "disinfector"), "lead": ("组长", "lead"), "sampler": ("采样员", "sampler")}

# Solver methods as a planner reads them (the 方案说明 page); an unknown method is named by its place.
METHODS: dict[str, tuple[str, str]] = {
    "cpsat-lns": ("整数规划求解（大邻域搜索）", "CP-SAT integer programme (large-neighbourhood search)"),
    "cp-sat optional intervals": ("约束规划排班（可选时段）", "CP-SAT scheduling (optional intervals)"),
    "pyvrp iterated local search, vehicles then driving time":
        ("车辆路径迭代局部搜索（先车辆数，后行车时间）", "PyVRP iterated local search (vehicles, then driving time)"),
    "or-tools routing, vehicles then driving time":
        ("车辆路径规划（先车辆数，后行车时间）", "OR-Tools routing (vehicles, then driving time)"),
    "exact loops of every zone (subsets enumerated), runs timed by the units' days, greedy dispatch":
        ("逐片区枚举全部收样路线（精确），按各检测单元作业时间排趟，逐趟派车",
         "Exact loops of every zone (subsets enumerated), runs timed by the units' days, greedy dispatch"),
}


def warning_code(text: str) -> tuple[str, dict[str, str]] | None:
    """The code and parameters of a warning sentence, or None when no pattern knows it."""
    for code, rx in _PATTERNS:
        m = rx.match(text)
        if m:
            return code, m.groupdict()
    return None


def warning_text(text: str, lang: str, index: int = 0) -> str:
    """*text* (a warning of ``plan.warnings``, the *index*-th) said in *lang*.

    An unknown English sentence is kept as it is in English and pointed to in Chinese.
    """
    found = warning_code(text)
    if found is None:
        zh, en = WARNINGS["unknown"]
        return en.format(text=text) if lang == "en" else zh.format(n=index + 1, i=index)
    code, params = found
    if code == "group_role":
        params = {**params, "role": ROLE_WORDS.get(params["role"], (params["role"],) * 2)[lang == "en"]}
    if code in ("relief", "units_closed", "groups_idle", "unit_pause") and lang != "en":  # lists: 、 between items in Chinese
        params = {k: v.replace(", ", "、") for k, v in params.items()}
    zh, en = WARNINGS[code]
    return (en if lang == "en" else zh).format(**params)


def method_text(method: str, lang: str) -> str:
    """A solver's method in *lang* (an unknown one in Chinese: "求解方法见 plan.json")."""
    pair = METHODS.get(method)
    if pair is None:
        return method if lang == "en" else "求解方法见 plan.json"
    return pair[1] if lang == "en" else pair[0]


def explanation_text(e, lang: str) -> tuple[str, str]:
    """A problem (an :class:`~natplan.models.plan.Explanation`) and its fix in ``lang``: from its code's labels
    (``why_<code>``, ``fix_<code>`` of :mod:`natplan.templates.i18n`) when it has them, else as the library said it.

    >>> from natplan.models.plan import Explanation
    >>> e = Explanation(where="U1", problem="x", fix="y", code="round_short",
    ...                 params={"open": "06:00", "close": "06:20", "setup": "20", "stint": "30", "deadline": "06:50"})
    >>> explanation_text(e, "zh")[1]
    '把截止时间推后到 06:50 或更晚（parameters.deadline），或延长各检测单元的开放时间'
    >>> explanation_text(e, "en")
    ('x', 'y')
    """
    from natplan.templates.i18n import LABELS

    if lang == "en" or not e.code or f"why_{e.code}" not in LABELS:
        return e.problem, e.fix
    zh = lambda key: LABELS[key][0].format(**e.params)  # noqa: E731
    return zh(f"why_{e.code}"), zh(f"fix_{e.code}") if f"fix_{e.code}" in LABELS else e.fix
