"""The city overview's tables, workbook, map, PDF and page from a hand-made joined plan of two townships of
tests/data/city_small.yaml, one not planned.

(The whole city run is tested in tests/scheduler/test_city.py.)
"""

import io
import re
from pathlib import Path

import pytest

openpyxl = pytest.importorskip("openpyxl")

from natplan.models.city_plan import CityKpis, CityPlan, DistrictKpis, LabLoad, TownshipResult  # noqa: E402
from natplan.models.plan import Explanation, Kpis  # noqa: E402
from natplan.templates.city import city_files, city_tables, city_view, city_xlsx, finish_classes  # noqa: E402

KPIS = Kpis(people=6000, walk_in=5976, home_visits=24, units_open=3, groups_used=3, finish=700, bound=650.4,
            finish_ratio=1.187, peak_queue=120.0, walk_mean_m=510.2, walk_max_m=1900.0, worst_sample_age_min=181.6,
            courier_vehicles=2)
PLAN = CityPlan(
    city="测试市", city_sha256="0" * 64, seed=7, natplan_version="0",
    townships=[
        TownshipResult(id="370202004", name="云南路街道", district="市南区", people=6000, lab="L1", lab_minutes=7.44,
                       planned=True, folder="townships/370202004", scenario_sha256="1" * 64, kpis=KPIS,
                       shuttle_vehicles=2),
        TownshipResult(id="370202005", name="中山路街道", district="市南区", people=5000, lab="L2", lab_minutes=12.0,
                       planned=False, folder="townships/370202005", scenario_sha256="2" * 64,
                       problems=[Explanation(where="U1", problem="U1 needs 2.0 more desk-hours", fix="add a group")]),
    ],
    labs=[LabLoad(lab="L1", name="市南区检测实验室", tubes_per_hour=1200, capacity_tubes=21600, townships=["370202004"],
                  tubes=600, first_arrival=420, last_arrival=720, done=735, peak_backlog_tubes=150,
                  arrivals=[(420, 300), (720, 300)]),
          LabLoad(lab="L2", name="市北区检测实验室", tubes_per_hour=200, capacity_tubes=3600, townships=[], tubes=0,
                  first_arrival=None, last_arrival=None, done=None, peak_backlog_tubes=0, arrivals=[])],
    districts=[DistrictKpis(district="市南区", townships=2, planned=1, people=11000, units_open=3, groups_used=3,
                            finish=700, worst_sample_age_min=181.6, courier_vehicles=2, shuttle_vehicles=2)],
    kpis=CityKpis(people=11000, townships=2, planned=1, units_open=3, groups_used=3, finish=700, bound=650.4,
                  finish_ratio=1.187, worst_sample_age_min=181.6, courier_vehicles=2, shuttle_vehicles=2, tubes=600,
                  lab_done=735),
)


def test_city_kpis():
    assert city_tables(PLAN, "en")["kpis"] == [
        ("People", "11,000"), ("Townships", "1 / 2"), ("Units open", "3"), ("Groups", "3"),
        ("Sampling done", "11:40"), ("Throughput bound", "10:50"), ("Finish / bound", "1.19"),
        ("Worst sample age (min)", "182"), ("Courier vans", "2"), ("Shuttles", "2"), ("Tubes", "600"),
        ("Testing done", "12:15")]


def test_district_lab_and_township_rows():
    tables = city_tables(PLAN, "zh")
    assert tables["district_headers"][0] == "区市"
    assert tables["districts"] == [["市南区", "1 / 2", "11,000", "3", "3", "11:40", "182", "2", "2"]]
    assert tables["labs"] == [
        ["L1", "市南区检测实验室", "1,200", "21,600", "600", "07:00", "12:00", "150", "12:15"],
        ["L2", "市北区检测实验室", "200", "3,600", "0", "—", "—", "0", "—"],  # nothing sent to it
    ]
    assert tables["townships"] == [
        ["370202004", "云南路街道", "市南区", "6,000", "3", "11:40", "1.19", "182", "2", "L1", "7", "已排"],
        ["370202005", "中山路街道", "市南区", "5,000", "—", "—", "—", "—", "—", "L2", "12", "未排出"],
    ]
    assert tables["problems"] == ["370202005 中山路街道: U1: U1 needs 2.0 more desk-hours — add a group"]


def test_townships_started_later_and_minutes_kept_for_a_lab_queue_are_shown():
    """A township the city starts later (错峰) shows its own start in the townships' table, and what the city changed
    for its lab's queue is listed in the set's language."""
    row = PLAN.townships[0].model_copy(update={"start_delay_min": 90, "shared_queue_min": 6,
                                               "shared_queue_home_min": 20})
    plan = PLAN.model_copy(update={"townships": [row, PLAN.townships[1]]})
    zh, en = city_tables(plan, "zh", 360), city_tables(plan, "en", 360)
    assert zh["township_headers"][5] == "开始" and en["township_headers"][5] == "Start"
    assert [r[5] for r in zh["townships"]] == ["07:30", "06:00"]
    assert zh["adjusted"] == ["370202004 云南路街道：07:30 开始，比全市晚 90 分钟，错峰送检实验室 L1；样本送达实验室时距时限至少还有 6 分钟"
                              "（入户样本 20 分钟），留给实验室排队"]
    assert en["adjusted"] == [
        "370202004 云南路街道: starts at 07:30, 90 min after the city, so that its samples do not reach lab L1 with the "
        "others' (staggered); its samples reach the lab 6 min inside the age limit (its home-visit samples 20), which "
        "leaves that time for the lab's queue"]
    assert city_tables(PLAN, "zh", 360)["adjusted"] == []  # nothing changed
    home = PLAN.townships[0].model_copy(update={"shared_queue_home_min": 4})  # home-visit samples only
    plan = PLAN.model_copy(update={"townships": [home, PLAN.townships[1]]})
    assert city_tables(plan, "zh", 360)["adjusted"] == ["370202004 云南路街道：入户样本送达实验室时距时限至少还有 4 分钟，留给实验室排队"]


def test_city_workbook_cells():
    tables = city_tables(PLAN, "en")
    data = city_xlsx(tables, "测试市", "2022-04-02", "en")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["kpis", "districts", "labs", "townships"]
    assert list(wb["kpis"].iter_rows(values_only=True))[:2] == [("City KPIs", None), ("People", "11,000")]
    labs = list(wb["labs"].iter_rows(values_only=True))
    assert labs[0] == ("Lab", "Name", "Tubes / h", "Capacity in round", "Tubes", "First arrival", "Last arrival",
                       "Peak backlog", "Testing done")
    assert labs[2] == ("L2", "市北区检测实验室", "200", "3,600", "0", "—", "—", "0", "—")
    assert wb.properties.created.isoformat() == "2022-04-02T00:00:00"
    assert city_xlsx(tables, "测试市", "2022-04-02", "en") == data


CITY = Path(__file__).resolve().parents[1] / "data" / "city_small.yaml"


@pytest.fixture(scope="module")
def city_set():
    from natplan.models.city import load_city

    loaded = load_city(CITY)
    return loaded, city_files(PLAN, loaded, "zh", "2022-04-01 20:00")


def test_map_colours_townships_by_finish_and_greys_the_unplanned(city_set):
    loaded, _ = city_set
    view = city_view(PLAN, loaded, "zh", "x")
    assert finish_classes(PLAN) == [700]  # one township planned: one class
    assert view["legend"] == [{"color": "#ffffb2", "label": "≤ 11:40"}, {"color": "#cccccc", "label": "未排出"}]
    svg = view["map"]
    # 云南路街道 planned (first colour), 中山路街道 not planned, 江苏路街道 not in the plan at all: grey
    assert svg.count('fill="#ffffb2"') == 1 and svg.count('fill="#cccccc"') == 2
    assert svg.count('fill="#1f4e9e"') == 2  # the two labs
    assert "地图数据 © OpenStreetMap 贡献者（ODbL 1.0 许可）" in svg


def test_city_pdf_has_the_page_words_and_the_embedded_font(city_set):
    import pypdf

    _, files = city_set
    reader = pypdf.PdfReader(io.BytesIO(files["city.pdf"]))
    text = "".join(page.extract_text() for page in reader.pages)
    html = files["index.html"].decode("utf-8")
    for words in ("全市核酸检测计划总览", "云南路街道", "中山路街道", "市南区检测实验室", "U1 needs 2.0 more desk-hours",
                  "地图数据 © OpenStreetMap 贡献者（ODbL 1.0 许可）", "打印时间 2022-04-01 20:00", "≤ 11:40"):
        assert words in text and words in html, words
    fonts = [f.get_object() for page in reader.pages for f in page["/Resources"]["/Font"].values()]
    assert {f["/BaseFont"][8:] for f in fonts} == {"natplanNotoSansSC-Regular-Identity-H",
                                                   "natplanNotoSansSC-Bold-Identity-H"}  # after the subset tag
    descendants = [d.get_object() for f in fonts for d in f["/DescendantFonts"]]
    assert all({"/FontFile2", "/FontFile3"} & set(d["/FontDescriptor"]) for d in descendants)  # embedded


def test_city_page_is_self_contained(city_set):
    """index.html of a city works copied to another device: no file:// and no path of the machine that
    planned, the font embedded, a phone's viewport."""
    _, files = city_set
    html = files["index.html"].decode("utf-8")
    assert "file://" not in html and str(Path(__file__).resolve().parents[2]) not in html
    assert re.search(r"@font-face \{ font-family: \"natplan Noto Sans SC\";[^}]*src: url\(data:font/otf;base64,", html)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "<svg" in html  # the map inline


def test_problems_with_a_code_are_said_in_the_sets_language():
    """A township's problem and the city's own (a lab's queue) in Chinese from their codes; one without a code is
    printed as the library said it, in either language."""
    short = Explanation(where="town", problem="no unit is open long enough to work", fix="move the deadline",
                        code="round_short", params={"open": "06:00", "close": "06:20", "setup": "20", "stint": "30",
                                                    "deadline": "06:50"})
    lab = Explanation(where="lab L1", problem="L1 is slow", fix="faster", code="fix_only_unknown")
    plan = PLAN.model_copy(update={
        "townships": [PLAN.townships[0], PLAN.townships[1].model_copy(update={"problems": [short]})],
        "problems": [lab]})
    assert city_tables(plan, "zh")["problems"] == [
        "370202005 中山路街道: town: 没有哪个检测单元开放得够长：最长的开放时间 06:00–06:20 短于 20 分钟的布置时间加最短连续工作时间 30 分钟"
        " — 把截止时间推后到 06:50 或更晚（parameters.deadline），或延长各检测单元的开放时间",
        "lab L1: L1 is slow — faster"]
    assert city_tables(plan, "en")["problems"] == [
        "370202005 中山路街道: town: no unit is open long enough to work — move the deadline", "lab L1: L1 is slow — faster"]
