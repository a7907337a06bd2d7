"""The printed plan's data: every field of the tiny plan's views, worked out by hand.

The tiny plan (tests/scheduler/test_staffing.py): T1 staffs U1 08:30-09:30 (G1, 100 people) and U2
10:00-12:30 (G2 and G3, 248 people); slots of 30 min at 100 an hour; S1 and S2 (G3) are visited by
H01 at 08:02 and 08:12 (back at the station 08:24); courier Z1-1 leaves the station every 30 min from
09:00 to 12:30 and reaches either unit in 2 min; 10 people fill a tube; the lab is 30 min from the station.
"""

import pytest

from natplan.templates.view_home import home_view, next_shuttle, team_meal
from natplan.templates.view_notices import notice_file, notice_text, notice_view
from natplan.templates.view_routes import driver_fields, handover_view, route_view
from natplan.templates.view_units import day_blocks, halves, person_label, roster_view
from natplan.templates.views import (
    Index,
    all_views,
    common_view,
    destination,
    duration,
    households_label,
    instruction,
    notes_view,
    overview_view,
    role_label,
    scenario_title,
    span,
)


@pytest.fixture(scope="module")
def plan(tiny_plan):
    return tiny_plan


def test_small_formatters():
    assert span(510, 570) == "08:30–09:30"
    assert span(749.5, None) == "12:30–"
    assert (duration(195), duration(60), duration(59.6), duration(0)) == ("3:15", "1:00", "1:00", "0:00")
    assert (role_label("sampler", "zh"), role_label("sampler", "en"), role_label("driver", "en")) == (
        "采样员", "Sampler", "driver")
    assert (households_label((1, 30), "zh"), households_label([31, 40], "en")) == ("第1–30户", "no. 31–40")


def test_a_role_is_printed_once():
    # placeholder names carry the role already ("组长1（T17）"); a real name gets the role before it
    assert person_label("组长1（T17）", "lead", "zh") == "组长1（T17）"
    assert person_label("王伟", "lead", "zh") == "组长 王伟"
    assert person_label("Wang Wei", "lead", "en") == "Lead Wang Wei"


def test_halves_read_down_the_page():
    assert halves(list(range(5))) == [[0, 1, 2, 3, 4]]
    assert halves(list(range(13))) == [list(range(7)), list(range(7, 13))]
    assert halves(list(range(8)), 6) == [[0, 1, 2, 3], [4, 5, 6, 7]]


def test_common_view(tiny, plan):
    view = common_view(plan, tiny.scenario, "zh", "2022-03-12 21:30")
    labels = view.pop("L")
    assert view == {
        "lang": "zh", "html_lang": "zh-CN", "scenario_name": "小测试镇", "round_date": "2022-03-13",
        "printed_at": "2022-03-12 21:30", "printed_label": "打印时间 2022-03-12 21:30",
        "title": "小测试镇 2022-03-13 检测轮次执行方案", "attribution": "地图数据 © OpenStreetMap 贡献者"}
    assert (labels["roster"], labels["notes_title"]) == ("检测单元名册", "方案说明")
    en = common_view(plan, tiny.scenario, "en", "x")
    assert (en["html_lang"], en["scenario_name"], en["title"], en["L"]["roster"]) == (
        "en", "小测试镇", "小测试镇 2022-03-13 Testing round plan", "Unit roster")


def test_english_title_when_the_region_has_one(tiny):
    s = tiny.scenario.model_copy(update={"region": tiny.scenario.region.model_copy(update={"name_en": "Tiny town"})})
    assert (scenario_title(s, "en"), scenario_title(s, "zh")) == ("Tiny town", "小测试镇")


def test_headline_times_each_on_its_own_line(tiny, plan):
    rows = overview_view(plan, tiny.scenario, "zh")["headline"]
    assert [(r["label"], r["value"]) for r in rows] == [
        ("到点采样完成", "12:30"),  # U2's last swab
        ("上门采样完成", "08:22"),  # S2 at 08:12, 10 min at the home
        ("最后一批样本送达实验室", max(r["value"] for r in rows[2:3])),
        ("全部出结果（按实验室检测能力排队）", "—"),  # the tiny lab has no capacity
    ]
    last = max(x.arrive for x in plan.routing.shuttles.trips if x.tubes)
    assert rows[2]["value"] == f"{last // 60:02d}:{last % 60:02d}" and rows[2]["note"] == "测试实验室"
    assert rows[3]["note"] == "情景文件未给出实验室检测能力，无法推算"


def test_all_results_from_the_lab_queue(tiny, plan):
    lab = tiny.scenario.lab.model_copy(update={"tubes_per_hour": 6})
    s = tiny.scenario.model_copy(update={"lab": lab})
    rows = overview_view(plan, s, "en")["headline"]
    # at 6 tubes an hour the 36 tubes take 6 h of testing: by hand, a fluid queue over the shuttles' arrivals
    backlog, t = 0.0, None
    for x in sorted((x.arrive, x.tubes) for x in plan.routing.shuttles.trips if x.tubes):
        backlog = max(0.0, backlog - (x[0] - t) * 0.1) if t is not None else 0.0
        backlog += x[1]
        t = x[0]
    done = -(-(t * 10 + backlog * 100) // 10)  # ceil(t + backlog / 0.1) in whole minutes
    assert rows[3] == {"label": "All results (the lab's queue)", "value": f"{int(done) // 60:02d}:{int(done) % 60:02d}",
                       "alert": False, "note": "the lab tests 6 tubes an hour"}


def test_a_transfer_point_is_named_so(tiny):
    s = tiny.scenario
    assert destination(s, "zh") == {"name": "测试实验室", "address": "", "transfer": False, "kind": "实验室"}
    named = s.model_copy(update={"lab": s.lab.model_copy(update={"name": "莱西市工会转运点", "address": "工会大楼"})})
    assert destination(named, "zh") == {"name": "莱西市工会转运点", "address": "工会大楼", "transfer": True,
                                        "kind": "转运点"}
    flagged = s.model_copy(update={"lab": s.lab.model_copy(update={"transfer_point": True})})
    assert destination(flagged, "en")["kind"] == "transfer point"


def test_overview_kpis(tiny, plan):
    view = overview_view(plan, tiny.scenario, "zh")
    rows = {k["label"]: (k["value"], k["note"]) for k in view["kpis"]}
    assert rows["人数"] == ("350", "")
    assert rows["到点采样人数"] == ("348", "")
    assert rows["上门采样人数"] == ("2", "1 个上门小组")
    assert rows["开放检测单元"] == ("2 / 2", "")
    assert rows["出动检测组"] == ("1 / 1", "")
    assert rows["最大排队人数"] == ("25", "候检区容量 ≤ 200")
    assert rows["最远步行距离"][1] == "≤ 3,000 米"
    assert rows["收样车辆（需要 / 现有）"][0] == "1 / 1"
    # solver figures are on the planner's page only
    assert not any("求解" in label or "理论" in label for label in rows)
    assert not any(k["alert"] for k in view["kpis"])
    assert view["warnings"] == []


def test_overview_says_what_of_the_age_limit_a_township_keeps_for_a_shared_lab(tiny, plan):
    """A city that planned the town keeping minutes of the limit for its lab's shared queue: the sample-age row says
    so, and the plan's worst age is measured against what is left."""
    def kept(every, home):
        lab = tiny.scenario.lab.model_copy(update={"shared_queue_min": every, "shared_queue_home_min": home})
        view = overview_view(plan, tiny.scenario.model_copy(update={"lab": lab}), "zh")
        return next(k for k in view["kpis"] if k["label"] == "样本最长送达时间")

    assert kept(None, None)["note"] == "时限 240 分钟"
    assert kept(20, 45)["note"] == "时限 240 分钟（其中 20 分钟留给共用实验室排队，入户样本 45 分钟）"
    worst = plan.kpis.worst_sample_age_min
    assert kept(int(240 - worst) + 1, None)["alert"] and not kept(int(240 - worst) - 1, None)["alert"]


def test_notes_page_has_the_solver_figures_in_words(tiny, plan):
    rows = {r["label"]: (r["value"], r["note"]) for r in notes_view(plan, tiny.scenario, "zh")["rows"]}
    assert rows["分配求解差距"][1] == "整数规划求解（大邻域搜索）"
    # 08:00 + 348 walk-ins at 100 an hour = 11:28.8; the round took 270 min of the least 208.8
    assert rows["理论最早完成"] == ("11:29", "用时 / 理论用时 1.29")
    assert set(rows) == {"分配求解差距", "排班求解差距", "路线求解差距", "理论最早完成", "收样车辆下界",
                         "满足时限的最少转运车辆"}


def test_overview_timetable(tiny, plan):
    assert overview_view(plan, tiny.scenario, "en")["timetable"] == [{
        "id": "T1", "name": "第1检测组", "size": 6, "stays": [
            {"unit": "U1", "unit_name": "甲村东检测点", "arrive": "08:10", "open": "08:30", "close": "09:30",
             "leave": "09:30"},
            {"unit": "U2", "unit_name": "甲村西检测点", "arrive": "09:40", "open": "10:00", "close": "12:30",
             "leave": "12:30"}]}]


def test_a_late_finish_is_an_alert(tiny, plan):
    late = plan.model_copy(update={"kpis": plan.kpis.model_copy(update={"finish": 800})})
    rows = overview_view(late, tiny.scenario, "en")["headline"]
    assert (rows[0]["value"], rows[0]["note"], rows[0]["alert"]) == ("13:20", "Deadline 13:00", True)
    assert [r["label"] for r in rows if r["alert"]] == ["Walk-in sampling done"]


def test_roster_of_u1(tiny, plan):
    u1, u2 = roster_view(plan, tiny.scenario, "zh")
    assert (u1["id"], u1["name"], u1["finish"], u1["homes"]) == ("U1", "甲村东检测点", "09:30", "无")
    assert [(f["label"], f["value"]) for f in u1["facts"]] == [
        ("收样片区", "Z1 全镇"), ("采样台", "1"), ("采样时间", "08:30–09:30"), ("预计完成", "09:30"),
        ("到点采样人数", "100"), ("采样能力（人/小时）", "100"), ("最大排队人数", "25")]
    assert [(x["time"], x["grid"], x["households"], x["people"]) for x in u1["slots"]] == [
        ("08:30–09:00", "甲村1组", "第1–30户", 75), ("09:00–09:30", "甲村1组", "第31–40户", 25)]
    assert u1["slot_people"] == 100 and u1["slot_columns"] == [u1["slots"]]
    # everyone of T1 has the same day at U1: one row for the six, the drive there as its first block
    (group,) = u1["groups"]
    assert group["rows"] == [{
        "people": ["组长甲", "采样员甲", "采样员乙", "登记员甲", "秩序维护员 秩序员甲", "消杀员甲"],
        "blocks": ["08:08–08:10 途中", "08:10–08:30 布置", "08:30–09:30 采样"], "hours": "1:00"}]
    # the courier's stops at U1, in time order, each with its load; 100 people, 10 to a tube
    stops = sorted((p for z in plan.routing.zones for r in z.routes for loop in r.loops for p in loop.stops
                    if p.unit == "U1"), key=lambda p: p.time)
    assert [(p["time"], p["tubes"], p["load"]) for p in u1["pickups"]] == [
        (f"{p.time // 60:02d}:{p.time % 60:02d}", p.tubes, f"{p.tubes}管 / {p.boxes}箱") for p in stops]
    assert u1["pickup_total"] == f"10管 / {sum(p.boxes for p in stops)}箱"


def test_roster_of_u2_staggers_the_samplers_and_points_to_the_home_visits(tiny, plan):
    u2 = roster_view(plan, tiny.scenario, "zh")[1]
    (group,) = u2["groups"]
    assert [(r["people"], r["blocks"], r["hours"]) for r in group["rows"]] == [
        (["组长甲", "采样员甲", "登记员甲", "秩序维护员 秩序员甲", "消杀员甲"],
         ["09:38–09:40 途中", "09:40–10:00 布置", "10:00–11:15 采样", "11:15–11:30 更换防护服", "11:30–12:30 采样"],
         "2:15"),
        (["采样员乙"],
         ["09:38–09:40 途中", "09:40–10:00 布置", "10:00–10:55 采样", "10:55–11:10 更换防护服", "11:10–12:30 采样"],
         "2:15"),
    ]
    assert [x["time"] for x in u2["slots"]] == ["10:00–10:30", "10:30–11:00", "10:30–11:00", "11:00–11:30",
                                                "11:30–12:00", "12:00–12:30"]
    assert u2["slot_people"] == 248
    assert u2["pickup_total"].startswith("25管 / ")  # 248 people: 24 full tubes and a last one partly filled
    # G3's two home visits are U2's area; the sheet points to the team, never to a person
    assert u2["homes"] == "本单元辖区 2 人由上门小组 H01 上门采样，见上门采样单。"


def test_day_blocks_of_one_person(tiny, plan):
    shifts = sorted((x for x in plan.staffing.shifts if x.member == "采样员乙"), key=lambda x: x.start)
    blocks, work = day_blocks(shifts, "U1", "en")
    # the drive to U1 ends as its set-up starts; the drive to U2 (09:38) is U2's
    assert blocks == ["08:08–08:10 travel", "08:10–08:30 set-up", "08:30–09:30 sampling"]
    assert work == 60
    assert day_blocks(shifts, "U9", "en") == ([], 0)


def test_home_visit_team_sheet(tiny, plan):
    (team,) = home_view(plan, tiny.scenario, "zh")
    assert (team["team"], team["start"], team["end"], team["people"]) == ("H01", "08:00", "08:24", 2)
    (trip,) = team["trips"]
    assert [(s["n"], s["id"], s["window"], s["village"], s["grid"], s["need"], s["drive"]) for s in trip["stops"]] == [
        (1, "S1", "08:02–08:12", "甲村", "甲村3组", "卧床", "2 分钟"),
        (2, "S2", "08:12–08:22", "甲村", "甲村3组", "高龄", "0 分钟")]
    first = next_shuttle(plan, 8 * 60 + 24)
    assert trip["samples"] == (f"08:24 回测试中转站，交 1 管（2 人）；随 {first.depart // 60:02d}:{first.depart % 60:02d} 的 "
                               f"{first.vehicle} 转运车送测试实验室（{first.arrive // 60:02d}:{first.arrive % 60:02d} 到达）")
    assert team["meal"] == "收工（08:24）后用餐"  # one trip: no break between trips


def test_a_team_with_several_trips_eats_between_the_trips_nearest_noon():
    from natplan.models.plan import HomeTeam

    team = HomeTeam(team="H02", people=[], start=360, end=1000, returns_to="station",
                    trips=[(360, 480), (490, 700), (710, 1000)])
    assert team_meal(team, 30, "zh") == "第2趟回站后 11:40–12:10 在中转站用餐（30 分钟），之后各趟顺延 30 分钟，约 17:10 收工"


def test_driver_fields_from_the_first_source_that_has_them():
    class Vehicle:
        plate = "鲁B12345"

    class Route:
        driver = "张三"

    assert driver_fields(Route(), Vehicle()) == {"driver": "张三", "plate": "鲁B12345", "phone": ""}
    assert driver_fields(None) == {"driver": "", "plate": "", "phone": ""}


def test_route_sheet(tiny, plan):
    view = route_view(plan, tiny.scenario, "en")
    (sheet,) = view["sheets"]  # one sheet per vehicle, a part per zone it serves
    assert sheet["vehicle"] == "Z1-1"
    assert (sheet["driver"], sheet["plate"], sheet["phone"]) == ("", "", "")
    (part,) = sheet["routes"]
    assert (part["zone"], part["zone_name"], part["interval"]) == ("Z1", "全镇", 30)
    assert part["crew"] == "1 cadre, 1 medic, 1 driver"
    assert part["stops"] == [{"id": "U1", "name": "甲村东检测点", "address": ""},
                             {"id": "U2", "name": "甲村西检测点", "address": ""}]
    # every stop carries its load; a loop skips the unit that is not open
    first = plan.routing.zones[0].routes[0].loops[0].stops[0]
    assert first.unit == "U1"  # U1 opens first: the first loop stops there only
    assert part["loops"][0]["cells"] == [
        {"time": f"{first.time // 60:02d}:{first.time % 60:02d}", "load": f"{first.tubes} tubes / {first.boxes} boxes"},
        None]
    assert sum(x["tubes"] for x in part["loops"]) == part["tubes"] == sheet["tubes"] == 35
    assert len(sheet["instructions"]) == 3 and sheet["instructions"][0].startswith("Running 10 or more minutes late")
    assert (view["station"], view["destination"]["name"]) == ("测试中转站", "测试实验室")
    sh = view["shuttles"]
    assert sh["title"] == "Shuttles: station to lab"
    assert sh["tubes"] == 36  # 35 from the units, 1 from the home visits
    assert sh["vehicles"] == [{"id": "V1", "name": "车1", "driver": "", "plate": "", "phone": "", "trips": len(sh["trips"])}]
    assert all(not x["late"] for x in sh["trips"])


def test_instructions_from_the_scenario_or_natplan(tiny):
    from natplan.models.scenario import Instructions

    s = tiny.scenario
    assert instruction(s, "box_damaged", "zh").startswith("转运箱破损")
    own = s.model_copy(update={"instructions": Instructions(box_damaged="打电话给站长 13800000000")})
    assert instruction(own, "box_damaged", "zh") == "打电话给站长 13800000000"
    assert instruction(own, "courier_late", "zh").startswith("预计晚到")


def test_handover_sheet(tiny, plan):
    (sheet,) = handover_view(plan, tiny.scenario, "zh")
    stops = [(n, p) for n, loop in enumerate(plan.routing.zones[0].routes[0].loops, 1) for p in loop.stops]
    boxes = sum(p.boxes for _, p in stops)
    assert (sheet["vehicle"], sheet["tubes"], sheet["total"]) == ("Z1-1", 35, f"35管 / {boxes}箱")
    assert [(x["when"], x["zone"], x["unit"], x["load"]) for x in sheet["lines"]] == [
        (f"第{n}趟 {p.time // 60:02d}:{p.time % 60:02d}", "Z1", p.unit, f"{p.tubes}管 / {p.boxes}箱") for n, p in stops]


def test_notice_for_the_village(tiny, plan):
    (v,) = notice_view(plan, tiny.scenario, "zh")
    assert (v["id"], v["name"], v["file"], v["phone"], v["size"]) == ("V1", "甲村", "V1_甲村", "", "large")
    assert v["rows"] == [
        {"grid": "甲村1组", "unit": "甲村东检测点", "address": "",
         "lines": ["08:30–09:00 第1–30户", "09:00–09:30 第31–40户"]},
        {"grid": "甲村2组", "unit": "甲村西检测点", "address": "",
         "lines": ["10:00–10:30 第1–30户", "10:30–11:00 第31–40户"]},
        {"grid": "甲村3组", "unit": "甲村西检测点", "address": "",
         "lines": ["10:30–11:00 第1–10户", "11:00–11:30 第11–30户", "11:30–12:00 第31–50户", "12:00–12:30 第51–60户"]},
    ]
    assert v["before"].startswith("采样前 30 分钟内不要进食") and "身份证" in v["before"]
    assert v["missed"].startswith("当天检测点关闭前")
    en = notice_view(plan, tiny.scenario, "en")[0]["rows"][0]["lines"]
    assert en == ["08:30–09:00 no. 1–30", "09:00–09:30 no. 31–40"]


def test_notice_text_for_wechat(tiny, plan):
    (v,) = notice_view(plan, tiny.scenario, "zh")
    lines = v["text"].splitlines()
    assert lines[:4] == ["【甲村 核酸检测通知】 2022-03-13", "请本村居民按下表时间到指定检测点参加核酸检测。",
                         "甲村1组：甲村东检测点", "  08:30–09:00 第1–30户"]
    assert lines[-2:] == [f"检测前：{v['before']}", f"错过时段：{v['missed']}"]
    # the QR code holds the schedule (the instructions are printed beside it); a phone number when known
    assert v["qr_text"] == "\n".join(lines[:-2]) + "\n"
    with_phone = {**v, "phone": "0532-8888 1234"}
    assert notice_text(with_phone, "2022-03-13", "zh", full=False).endswith("村委联系电话：0532-8888 1234\n")
    assert notice_file("V07", "东/西 村") == "V07_东_西_村"


def test_index_lookups(tiny, plan):
    ix = Index(plan, tiny.scenario)
    assert ix.open_units == ["U1", "U2"]
    assert ix.main_unit_of_grid == {"G1": "U1", "G2": "U2", "G3": "U2"}
    assert ix.home_stop == {"S1": ("H01", 482), "S2": ("H01", 492)}
    assert ix.zone_color == {"Z1": "#0072B2"}
    assert [len(ix.slots_by_unit[u]) for u in ("U1", "U2")] == [2, 6]
    assert (ix.place_name("station"), ix.place_name("U1"), ix.unit_name(None)) == ("测试中转站", "甲村东检测点", "")


def test_all_views_has_every_document(tiny, plan):
    views = all_views(plan, tiny.scenario, "zh", "2022-03-12 21:30")
    assert set(views) == {"lang", "html_lang", "scenario_name", "round_date", "printed_at", "printed_label", "title",
                          "attribution", "L", "overview", "rosters", "teams", "routes", "handovers", "notices", "notes"}
    assert views["rosters"] == roster_view(plan, tiny.scenario, "zh")


def test_the_view_model_is_json(tiny, plan):
    import json

    views = all_views(plan, tiny.scenario, "en", "x")
    assert json.loads(json.dumps(views)) == views


def test_a_big_village_gets_a_shorter_qr_code(tiny, plan):
    from natplan.templates.view_notices import QR_MAX_BYTES, qr_text

    (v,) = notice_view(plan, tiny.scenario, "zh")
    big = {**v, "rows": v["rows"] * 6}  # 18 grids: the household ranges no longer fit, the spans do
    text = qr_text(big, "2022-03-13", "zh")
    assert len(text.encode()) <= QR_MAX_BYTES
    assert "甲村1组 08:30–09:30 甲村东检测点" in text.splitlines()  # each grid's times as one span
    huge = {**v, "rows": v["rows"] * 400}
    assert qr_text(huge, "2022-03-13", "zh").startswith("【甲村 核酸检测通知】 2022-03-13")
    assert len(qr_text(huge, "2022-03-13", "zh").encode()) <= QR_MAX_BYTES


def test_map_credits_in_the_sets_language():
    from natplan.templates.views import credit

    osm = "Boundary © OpenStreetMap contributors, ODbL 1.0 (https://www.openstreetmap.org/copyright)"
    assert credit(osm, "zh") == "地图数据 © OpenStreetMap 贡献者（ODbL 1.0 许可）"  # Xiagezhuang's, licence kept
    assert credit(osm, "en") == "Map data © OpenStreetMap contributors (ODbL 1.0)"
    assert credit(None, "zh") == "地图数据 © OpenStreetMap 贡献者"
    assert credit("Synthetic boundary (not surveyed)", "zh") == "边界为示意（非实测）"  # Qixia's
    assert credit("Synthetic boundary (not surveyed)", "en") == "Synthetic boundary (not surveyed)"
    assert credit("测绘院 2021", "en") == "测绘院 2021"  # a credit natplan does not know is printed as given
