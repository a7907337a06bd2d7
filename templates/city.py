"""The city overview: a map of townships coloured by finish time, KPIs by district, labs, townships.

``city_files(plan, loaded, lang, printed_at)`` gives ``city.pdf``,
``index.html`` and ``city.xlsx``; each township's own printed set lies in
its folder.  All formatting is here, in one view model (:func:`city_view`):
``print/city.typ`` lays it out for print (Typst) and ``city.html`` for a
screen, so both show the same words and figures.
"""

from __future__ import annotations

from natplan.models.city import LoadedCity
from natplan.models.city_plan import CityPlan
from natplan.models.clock import format_clock
from natplan.templates.messages import explanation_text

LABELS = {
    "zh": {
        "title": "全市核酸检测计划总览", "printed": "打印时间", "round": "本轮时间", "kpis": "全市指标",
        "map_caption": "各镇街完成时间（颜色越深越晚；▲ 检测实验室）。", "by_district": "分区指标",
        "labs": "检测实验室负荷", "by_township": "各镇街", "problems": "问题（镇街与实验室）", "finish": "完成时间",
        "people": "人数", "townships": "镇街", "planned": "已排", "units": "开放检测点", "groups": "检测组",
        "city_finish": "采样完成", "bound": "通量下限", "ratio": "完成/下限", "age": "样本最长时长(分)",
        "couriers": "收样车", "shuttles": "转运车", "tubes": "试管", "lab_done": "检测完成",
        "district": "区市", "lab": "实验室", "rate": "每小时（管）", "capacity": "本轮可检（管）",
        "first": "首批到达", "last": "末批到达", "backlog": "最大积压（管）", "id": "编号", "name": "名称",
        "lab_min": "到实验室（分钟）", "status": "状态", "ok": "已排", "failed": "未排出", "none": "—",
        "start": "开始", "adjusted": "为共用实验室排队所作的调整",
    },
    "en": {
        "title": "City testing plan — overview", "printed": "Printed", "round": "Round", "kpis": "City KPIs",
        "map_caption": "Finish time by township (darker is later; ▲ labs).", "by_district": "By district",
        "labs": "Lab load", "by_township": "Townships", "problems": "Problems (townships and labs)",
        "finish": "Finish", "people": "People", "townships": "Townships", "planned": "Planned",
        "units": "Units open", "groups": "Groups", "city_finish": "Sampling done", "bound": "Throughput bound",
        "ratio": "Finish / bound", "age": "Worst sample age (min)", "couriers": "Courier vans",
        "shuttles": "Shuttles", "tubes": "Tubes", "lab_done": "Testing done", "district": "District",
        "lab": "Lab", "rate": "Tubes / h", "capacity": "Capacity in round", "first": "First arrival",
        "last": "Last arrival", "backlog": "Peak backlog", "id": "Id", "name": "Name",
        "lab_min": "To lab (min)", "status": "Status", "ok": "planned", "failed": "not planned", "none": "—",
        "start": "Start", "adjusted": "Adjusted for the shared labs' queues",
    },
}


def _num(v, fmt="{:,}") -> str:
    return "—" if v is None else fmt.format(v)


FINISH_COLOURS = ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"]  # ColorBrewer YlOrRd, later is darker
NOT_PLANNED = "#cccccc"
LAB_COLOUR = "#1f4e9e"


def finish_classes(plan: CityPlan) -> list[int]:
    """The upper ends of the finish-time classes of the map (minutes), one per colour of
    :data:`FINISH_COLOURS`, equal steps from the earliest to the latest finish; none when nothing was planned."""
    finish = [r.kpis.finish for r in plan.townships if r.kpis]
    if not finish:
        return []
    lo, hi = min(finish), max(finish)
    n = len(FINISH_COLOURS) if hi > lo else 1
    return [round(lo + (hi - lo) * (k + 1) / n) for k in range(n)]


def finish_colour(minute: float, classes: list[int]) -> str:
    """The map colour of a township finishing at *minute*."""
    for colour, top in zip(FINISH_COLOURS, classes):
        if minute <= top:
            return colour
    return FINISH_COLOURS[len(classes) - 1]


def city_map_svg(plan: CityPlan, loaded: LoadedCity, credit: str = "") -> str:
    """The city as SVG text: townships coloured by finish time (:func:`finish_classes`; grey when not
    planned), the city's outline, labs as blue triangles, *credit* in the corner.  The same SVG goes into
    city.pdf and index.html."""
    from html import escape

    from natplan.templates.town_map import Frame, _open, area

    city = loaded.city
    shapes = [loaded.geometry] if loaded.geometry is not None else []
    shapes += [g for g in loaded.township_geometry.values() if g is not None]
    bounds = [g.bounds for g in shapes] or [(lab.location.lon, lab.location.lat) * 2 for lab in city.labs]
    frame = Frame([b[0] for b in bounds] + [b[2] for b in bounds], [b[1] for b in bounds] + [b[3] for b in bounds],
                  margin=0.03)
    classes = finish_classes(plan)
    finish = {r.id: r.kpis.finish for r in plan.townships if r.kpis}
    out = _open(frame)
    if loaded.geometry is not None:
        out += area(frame, loaded.geometry, "#f4f4f4", "#555555", 1.2)
    for t in city.townships:
        geom = loaded.township_geometry.get(t.id)
        if geom is not None:
            fill = finish_colour(finish[t.id], classes) if t.id in finish else NOT_PLANNED
            out += area(frame, geom, fill, "#777777", 0.4)
    for lab in city.labs:
        x, y = frame.xy(lab.location.lon, lab.location.lat)
        out.append(f'<polygon points="{x},{round(y - 6, 1)} {round(x - 5.5, 1)},{round(y + 4, 1)} '
                   f'{round(x + 5.5, 1)},{round(y + 4, 1)}" fill="{LAB_COLOUR}" stroke="#ffffff" stroke-width="0.8"/>')
    if credit:
        out.append(f'<text x="{frame.width - 4}" y="{frame.height - 4}" font-size="8" text-anchor="end" '
                   f'fill="#333333">{escape(credit)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def map_legend(plan: CityPlan, lang: str = "zh") -> list[dict]:
    """The map's key: a colour and its words (finish up to a time; not planned).  The labs' triangles are
    named by the caption."""
    L = LABELS[lang]
    classes = finish_classes(plan)
    key = [{"color": c, "label": f"≤ {format_clock(top)}"} for c, top in zip(FINISH_COLOURS, classes)]
    if any(not r.planned for r in plan.townships):
        key.append({"color": NOT_PLANNED, "label": L["failed"]})
    return key


def adjustments(plan: CityPlan, start: int, lang: str = "zh") -> list[str]:
    """What the city changed in townships' plans so that a lab shared by several keeps the age limit, one line
    each: a later start (错峰), minutes of the age limit kept for the lab's queue.

    >>> from natplan.models.city_plan import TownshipResult
    >>> row = TownshipResult(id="T1", name="李园街道", district="平度市", people=1, lab="L01", lab_minutes=20.0,
    ...                      planned=True, folder="townships/T1", scenario_sha256="", start_delay_min=120,
    ...                      shared_queue_min=5, shared_queue_home_min=20)
    >>> adjustments(CityPlan.model_construct(townships=[row]), 360)
    ['T1 李园街道：08:00 开始，比全市晚 120 分钟，错峰送检实验室 L01；样本送达实验室时距时限至少还有 5 分钟（入户样本 20 分钟），留给实验室排队']
    """
    out = []
    for r in plan.townships:
        if not (r.start_delay_min or r.shared_queue_min or r.shared_queue_home_min):
            continue
        parts = []
        if r.start_delay_min:
            at = format_clock(start + r.start_delay_min)
            parts.append(f"{at} 开始，比全市晚 {r.start_delay_min} 分钟，错峰送检实验室 {r.lab}" if lang == "zh" else
                         f"starts at {at}, {r.start_delay_min} min after the city, so that its samples do not reach "
                         f"lab {r.lab} with the others' (staggered)")
        m, home = r.shared_queue_min, r.shared_queue_home_min
        if m:
            if lang == "zh":
                more = f"（入户样本 {home} 分钟）" if home else ""
                parts.append(f"样本送达实验室时距时限至少还有 {m} 分钟{more}，留给实验室排队")
            else:
                more = f" (its home-visit samples {home})" if home else ""
                parts.append(f"its samples reach the lab {m} min inside the age limit{more}, which leaves that time "
                             "for the lab's queue")
        elif home:
            parts.append(f"入户样本送达实验室时距时限至少还有 {home} 分钟，留给实验室排队" if lang == "zh" else
                         f"its home-visit samples reach the lab {home} min inside the age limit, which leaves that "
                         "time for the lab's queue")
        out.append(f"{r.id} {r.name}：" + "；".join(parts) if lang == "zh" else f"{r.id} {r.name}: " + "; ".join(parts))
    return out


def city_tables(plan: CityPlan, lang: str = "zh", start: int | None = None) -> dict:
    """Every table of the overview as header list + rows of strings (``start``: the city's start, for each
    township's own; without it the townships' starts are not shown)."""
    L = LABELS[lang]
    k = plan.kpis
    kpis = [
        (L["people"], f"{k.people:,}"), (L["townships"], f"{k.planned} / {k.townships}"),
        (L["units"], f"{k.units_open:,}"), (L["groups"], f"{k.groups_used:,}"),
        (L["city_finish"], format_clock(k.finish, missing="—")), (L["bound"], format_clock(k.bound, missing="—")), (L["ratio"], _num(k.finish_ratio, "{:.2f}")),
        (L["age"], _num(k.worst_sample_age_min, "{:.0f}")), (L["couriers"], f"{k.courier_vehicles:,}"),
        (L["shuttles"], f"{k.shuttle_vehicles:,}"), (L["tubes"], f"{k.tubes:,}"), (L["lab_done"], format_clock(k.lab_done, missing="—")),
    ]
    district_headers = [L[c] for c in ("district", "townships", "people", "units", "groups", "finish", "age",
                                       "couriers", "shuttles")]
    districts = [[d.district, f"{d.planned} / {d.townships}", f"{d.people:,}", f"{d.units_open:,}",
                  f"{d.groups_used:,}", format_clock(d.finish, missing="—"), _num(d.worst_sample_age_min, "{:.0f}"),
                  f"{d.courier_vehicles:,}", f"{d.shuttle_vehicles:,}"] for d in plan.districts]
    lab_headers = [L[c] for c in ("lab", "name", "rate", "capacity", "tubes", "first", "last", "backlog", "lab_done")]
    labs = [[x.lab, x.name, f"{x.tubes_per_hour:,}", f"{x.capacity_tubes:,}", f"{x.tubes:,}", format_clock(x.first_arrival, missing="—"),
             format_clock(x.last_arrival, missing="—"), f"{x.peak_backlog_tubes:,}", format_clock(x.done, missing="—")] for x in plan.labs]
    township_headers = [L[c] for c in ("id", "name", "district", "people", "units", "start", "finish", "ratio", "age",
                                       "couriers", "lab", "lab_min", "status") if c != "start" or start is not None]
    townships = []
    for r in plan.townships:
        kp = r.kpis
        row = [r.id, r.name, r.district, f"{r.people:,}", _num(kp and kp.units_open),
               format_clock(None if start is None else start + r.start_delay_min),
               format_clock(kp and kp.finish, missing="—"),
               _num(kp and kp.finish_ratio, "{:.2f}"), _num(kp and kp.worst_sample_age_min, "{:.0f}"),
               _num(kp and kp.courier_vehicles), r.lab, f"{r.lab_minutes:.0f}", L["ok"] if r.planned else L["failed"]]
        townships.append(row if start is not None else row[:5] + row[6:])
    said = [(f"{r.id} {r.name}: {e.where}", *explanation_text(e, lang)) for r in plan.townships for e in r.problems]
    said += [(e.where, *explanation_text(e, lang)) for e in plan.problems]
    problems = [f"{where}: {problem}" + (f" — {fix}" if fix else "") for where, problem, fix in said]
    return dict(kpis=kpis, district_headers=district_headers, districts=districts, lab_headers=lab_headers,
                labs=labs, township_headers=township_headers, townships=townships, problems=problems,
                adjusted=[] if start is None else adjustments(plan, start, lang))


def city_xlsx(tables: dict, title: str, date: str, lang: str = "zh") -> bytes:
    """Sheets: KPIs, districts, labs, townships; laid out like the plan's workbook (A4, header frozen)."""
    from datetime import datetime

    from natplan.templates.excel import add_sheet, new_workbook

    L = LABELS[lang]
    stamp = datetime.fromisoformat(date)
    wb = new_workbook(title, stamp)
    add_sheet(wb, "kpis", [L["kpis"], ""], tables["kpis"])
    add_sheet(wb, "districts", tables["district_headers"], tables["districts"], landscape=True)
    add_sheet(wb, "labs", tables["lab_headers"], tables["labs"], landscape=True)
    add_sheet(wb, "townships", tables["township_headers"], tables["townships"], landscape=True)
    return wb.to_bytes()


def city_view(plan: CityPlan, loaded: LoadedCity, lang: str = "zh", printed_at: str = "") -> dict:
    """The city overview's view model: every word and figure that city.pdf (``print/city.typ``) and
    index.html (``city.html``) show, the map as SVG text included, so that both faces read the same.

    Parameters
    ----------
    plan, loaded
        The joined city plan and the city file it was made from.
    lang
        "zh" or "en".
    printed_at
        The print time on the pages.

    Returns
    -------
    dict
        Plain data (JSON-ready): labels ``L``, the title lines, the map and its key, and the tables of
        :func:`city_tables`.
    """
    from natplan.templates.views import credit

    city = loaded.city
    L = LABELS[lang]
    attribution = credit(city.region.attribution, lang)
    start, deadline = format_clock(city.parameters.start, missing="—"), format_clock(city.parameters.deadline, missing="—")
    return {
        "lang": lang, "html_lang": "en" if lang == "en" else "zh-CN", "L": L, "title": L["title"],
        "city_name": city.name, "round_date": city.parameters.date, "printed_label": f"{L['printed']} {printed_at}",
        "round_label": f"{L['round']} {start}–{deadline}", "attribution": attribution,
        "map": city_map_svg(plan, loaded, attribution), "legend": map_legend(plan, lang),
        **city_tables(plan, lang, city.parameters.start),
    }


def city_files(plan: CityPlan, loaded: LoadedCity, lang: str = "zh", printed_at: str = "") -> dict[str, bytes]:
    """city.pdf (laid out by Typst), index.html (self-contained: the font subset embedded, no file paths)
    and city.xlsx of the city overview, from one view model (:func:`city_view`)."""
    from natplan.templates.render import render_html
    from natplan.templates.typeset import typesetter
    from natplan.templates.webfont import embed_font

    view = city_view(plan, loaded, lang, printed_at)
    pdf = typesetter().submit(view, "city")
    html = embed_font(render_html("city.html", **view))
    return {"city.pdf": pdf.result(), "index.html": html.encode("utf-8"),
            "city.xlsx": city_xlsx(view, loaded.city.name, loaded.city.parameters.date, lang)}
