"""The city overview: a map of townships coloured by finish time, KPIs by district, labs, townships.

``city_files(plan, loaded, lang, printed_at)`` gives ``city.pdf``,
``index.html`` and ``city.xlsx``; each township's own printed set lies in
its folder.  All formatting is here; ``city.html`` only lays it out.
"""

from __future__ import annotations

import base64
import io
import tempfile
from pathlib import Path

from natplan.models.city import LoadedCity
from natplan.models.city_plan import CityPlan
from natplan.models.clock import format_clock

LABELS = {
    "zh": {
        "title": "全市核酸检测计划总览", "printed": "打印时间", "round": "本轮时间", "kpis": "全市指标",
        "map_caption": "各镇街完成时间（颜色越深越晚；▲ 检测实验室）。", "by_district": "分区指标",
        "labs": "检测实验室负荷", "by_township": "各镇街", "problems": "未能排出的镇街", "finish": "完成时间",
        "people": "人数", "townships": "镇街", "planned": "已排", "units": "开放检测点", "groups": "检测组",
        "city_finish": "采样完成", "bound": "通量下限", "ratio": "完成/下限", "age": "样本最长时长(分)",
        "couriers": "收样车", "shuttles": "转运车", "tubes": "试管", "lab_done": "检测完成",
        "district": "区市", "lab": "实验室", "rate": "每小时（管）", "capacity": "本轮可检（管）",
        "first": "首批到达", "last": "末批到达", "backlog": "最大积压（管）", "id": "编号", "name": "名称",
        "lab_min": "到实验室（分钟）", "status": "状态", "ok": "已排", "failed": "未排出", "none": "—",
    },
    "en": {
        "title": "City testing plan — overview", "printed": "Printed", "round": "Round", "kpis": "City KPIs",
        "map_caption": "Finish time by township (darker is later; ▲ labs).", "by_district": "By district",
        "labs": "Lab load", "by_township": "Townships", "problems": "Townships that could not be planned",
        "finish": "Finish", "people": "People", "townships": "Townships", "planned": "Planned",
        "units": "Units open", "groups": "Groups", "city_finish": "Sampling done", "bound": "Throughput bound",
        "ratio": "Finish / bound", "age": "Worst sample age (min)", "couriers": "Courier vans",
        "shuttles": "Shuttles", "tubes": "Tubes", "lab_done": "Testing done", "district": "District",
        "lab": "Lab", "rate": "Tubes / h", "capacity": "Capacity in round", "first": "First arrival",
        "last": "Last arrival", "backlog": "Peak backlog", "id": "Id", "name": "Name",
        "lab_min": "To lab (min)", "status": "Status", "ok": "planned", "failed": "not planned", "none": "—",
    },
}


def _num(v, fmt="{:,}") -> str:
    return "—" if v is None else fmt.format(v)


def city_map_png(plan: CityPlan, loaded: LoadedCity, lang: str = "zh") -> bytes:
    """Townships coloured by finish time, labs as triangles, OSM attribution in the corner."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import cm, colors

    from natplan.templates.render import register_matplotlib_font
    from natplan.templates.town_map import polygons

    register_matplotlib_font()
    finish = {r.id: r.kpis.finish for r in plan.townships if r.kpis}
    values = list(finish.values()) or [0]
    norm = colors.Normalize(vmin=min(values), vmax=max(max(values), min(values) + 1))
    cmap = matplotlib.colormaps["YlOrRd"]
    fig, ax = plt.subplots(figsize=(7.5, 5.0), dpi=110)

    def draw(geom, face, edge, lw):
        for poly in polygons(geom):
            x, y = poly.exterior.xy
            ax.fill(x, y, facecolor=face, edgecolor=edge, linewidth=lw)

    if loaded.geometry is not None:
        draw(loaded.geometry, "#f4f4f4", "#555", 0.8)
    for t in loaded.city.townships:
        geom = loaded.township_geometry.get(t.id)
        if geom is None:
            continue
        face = cmap(norm(finish[t.id])) if t.id in finish else "#cccccc"
        draw(geom, face, "#777", 0.3)
    for lab in loaded.city.labs:
        ax.plot(lab.location.lon, lab.location.lat, marker="^", color="#1f4e9e", markersize=7)
    sm = cm.ScalarMappable(norm=norm, cmap=cmap)
    bar = fig.colorbar(sm, ax=ax, fraction=0.035, pad=0.02)
    bar.ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: format_clock(v)))
    bar.set_label(LABELS[lang]["finish"])
    ax.set_aspect(1 / 0.81)
    ax.set_xticks([])
    ax.set_yticks([])
    attribution = loaded.city.region.attribution or ""
    ax.text(0.99, 0.01, attribution.split(",")[0], transform=ax.transAxes, ha="right", va="bottom", fontsize=6)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def city_tables(plan: CityPlan, lang: str = "zh") -> dict:
    """Every table of the overview as header list + rows of strings."""
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
    township_headers = [L[c] for c in ("id", "name", "district", "people", "units", "finish", "ratio", "age",
                                       "couriers", "lab", "lab_min", "status")]
    townships = []
    for r in plan.townships:
        kp = r.kpis
        townships.append([r.id, r.name, r.district, f"{r.people:,}", _num(kp and kp.units_open), format_clock(kp and kp.finish, missing="—"),
                          _num(kp and kp.finish_ratio, "{:.2f}"), _num(kp and kp.worst_sample_age_min, "{:.0f}"),
                          _num(kp and kp.courier_vehicles), r.lab, f"{r.lab_minutes:.0f}",
                          L["ok"] if r.planned else L["failed"]])
    problems = [f"{r.id} {r.name}: {e.where}: {e.problem}" + (f" — {e.fix}" if e.fix else "")
                for r in plan.townships for e in r.problems]
    return dict(kpis=kpis, district_headers=district_headers, districts=districts, lab_headers=lab_headers,
                labs=labs, township_headers=township_headers, townships=townships, problems=problems)


def city_xlsx(tables: dict, title: str, date: str, lang: str = "zh") -> bytes:
    """Sheets: KPIs, districts, labs, townships; laid out like the plan's workbook (A4, header frozen)."""
    from datetime import datetime

    from natplan.templates.excel import add_sheet, new_workbook, workbook_bytes

    L = LABELS[lang]
    stamp = datetime.fromisoformat(date)
    wb = new_workbook(title, stamp)
    add_sheet(wb, "kpis", [L["kpis"], ""], tables["kpis"])
    add_sheet(wb, "districts", tables["district_headers"], tables["districts"], landscape=True)
    add_sheet(wb, "labs", tables["lab_headers"], tables["labs"], landscape=True)
    add_sheet(wb, "townships", tables["township_headers"], tables["townships"], landscape=True)
    return workbook_bytes(wb, stamp)


def city_files(plan: CityPlan, loaded: LoadedCity, lang: str = "zh", printed_at: str = "") -> dict[str, bytes]:
    """city.pdf, index.html and city.xlsx of the city overview."""
    from natplan.templates.render import render_html, write_pdf

    city = loaded.city
    tables = city_tables(plan, lang)
    png = city_map_png(plan, loaded, lang)
    html = render_html(
        "city.html", lang="en" if lang == "en" else "zh-CN", city_name=city.name, round_date=city.parameters.date,
        printed_at=printed_at, start=format_clock(city.parameters.start, missing="—"), deadline=format_clock(city.parameters.deadline, missing="—"),
        L=LABELS[lang], attribution=city.region.attribution or "", map_png=base64.b64encode(png).decode(),
        **tables,
    )
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(write_pdf(html, Path(tmp) / "city.pdf")).read_bytes()
    return {"city.pdf": pdf, "index.html": html.encode(), "city.xlsx": city_xlsx(tables, city.name, city.parameters.date, lang)}
