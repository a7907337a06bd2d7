"""Labels for what natplan prints, in Chinese (default) and English.

One table for the terminal, the templates and the spreadsheets, so that a
label reads the same everywhere.  ``t(key, lang)`` falls back to the key.
"""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # counts
    "people": ("人数", "People"),
    "households": ("户数", "Households"),
    "villages": ("村/社区", "Villages"),
    "grids": ("微网格", "Grids"),
    "special_needs": ("特殊人群（上门采样）", "Special needs (home visits)"),
    "units": ("检测单元", "Test units"),
    "desks": ("采样台", "Desks"),
    "groups": ("检测组", "Test groups"),
    "staff": ("检测组人员", "Group staff"),
    "samplers": ("采样员", "Samplers"),
    "zones": ("收样片区", "Courier zones"),
    "zone_vehicles": ("片区收样车", "Zone courier vehicles"),
    "vehicles": ("中转站车辆", "Station vehicles"),
    # checks
    "people_per_unit": ("每个检测单元人数", "People per unit"),
    "people_per_desk": ("每个采样台人数", "People per desk"),
    "samplers_needed": ("所需采样员（人口/360/天，上限为现有）", "Samplers needed (people/360 a day; limit: on hand)"),
    "throughput_hours": ("满负荷采样所需小时", "Hours at full sampling rate"),
    "status_ok": ("符合", "ok"),
    "status_low": ("偏低", "low"),
    "status_high": ("超出", "over"),
    "guideline": ("对照指南", "Against the guidelines"),
    "value": ("数值", "value"),
    "limit": ("上限", "limit"),
    "status": ("结论", "status"),
    "scenario_ok": ("情景文件有效", "scenario is valid"),
    "warnings": ("提醒", "warnings"),
}


def t(key: str, lang: str = "zh") -> str:
    """The label for ``key`` in ``lang`` ("zh" or "en")."""
    pair = LABELS.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]
