"""The maps: SVG sized from the places' extent, the same bytes twice, the scenario's credit; zone colours,
polygons; a loop's map numbers its stops in order."""

import re
import xml.etree.ElementTree as ET

import pytest
from shapely.geometry import GeometryCollection, LineString, MultiPolygon, Point, box

from natplan.templates.town_map import PALETTE, WIDTH, Frame, polygons, route_map_svg, town_map_svg, zone_colors

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def plan(tiny_plan):
    return tiny_plan


@pytest.fixture(scope="module")
def svg(tiny, plan) -> str:
    return town_map_svg(plan, tiny.scenario, tiny.geometry, "地图数据 © OpenStreetMap 贡献者")


def _size(svg: str) -> tuple[int, int]:
    root = ET.fromstring(svg)
    return int(root.get("width")), int(root.get("height"))


def _texts(svg: str) -> list[str]:
    return [el.text for el in ET.fromstring(svg).iter(f"{SVG}text")]


def test_size_from_the_boundary(svg):
    # 600 units wide; the boundary is 0.02° square at 36°N, 1 / cos(36°) = 1.24 times as tall as wide,
    # so the height stops at 1.15 × 600
    assert _size(svg) == (WIDTH, 690)


def test_same_plan_same_bytes(tiny, plan, svg):
    assert town_map_svg(plan, tiny.scenario, tiny.geometry, "地图数据 © OpenStreetMap 贡献者") == svg


def test_size_without_a_boundary(tiny, plan):
    # without the boundary the places alone span 0.010° × 0.004°: 0.4 × 1.24 = 0.49 of the width
    assert _size(town_map_svg(plan, tiny.scenario)) == (WIDTH, 297)


def test_the_map_prints_the_scenario_attribution(tiny, plan, svg):
    assert "地图数据 © OpenStreetMap 贡献者" in _texts(svg)
    assert "Synthetic boundary" in _texts(town_map_svg(plan, tiny.scenario, tiny.geometry, "Synthetic boundary"))


def test_units_stations_and_zones_are_labelled(tiny, svg):
    texts = _texts(svg)
    assert {"U1", "U2", "测试中转站", "Z1 全镇"} <= set(texts)
    # one loop per courier vehicle, drawn in its zone's colour
    assert len(re.findall(r'stroke="#0072B2" stroke-width="1.6" stroke-opacity', svg)) == 1


def test_a_route_map_numbers_its_stops(tiny):
    stops = [("1 U2", 120.015, 36.006), ("2 U1", 120.005, 36.006)]
    svg = route_map_svg(tiny.scenario, tiny.geometry, stops, "#123456")
    assert _texts(svg)[:2] == ["1 U2", "2 U1"]
    (path,) = [p.get("d") for p in ET.fromstring(svg).iter(f"{SVG}path") if p.get("stroke") == "#123456"]
    frame = Frame([120.01, 120.015, 120.005], [36.01, 36.006, 36.006], margin=0.12, width=200)
    sx, sy = frame.xy(120.01, 36.01)
    assert path.startswith(f"M{sx} {sy} ") and path.endswith(f"L{sx} {sy}")  # from the station and back


def test_frame_is_north_up_and_centred():
    f = Frame([0.0, 1.0], [0.0, 1.0], margin=0.0, width=100)
    (x0, y0), (x1, y1) = f.xy(0.0, 0.0), f.xy(1.0, 1.0)
    assert x0 < x1 and y0 > y1  # east is right, north is up
    assert f.xy(0.5, 0.5) == (50.0, f.height / 2)


def test_zone_colours_in_zone_order():
    assert zone_colors(["Z1", "Z2"]) == {"Z1": "#0072B2", "Z2": "#D55E00"}
    many = zone_colors([f"Z{i}" for i in range(1, 17)])
    assert len(set(many.values())) == len(PALETTE) == 15
    assert many["Z16"] == many["Z1"]  # the palette starts again


def test_polygons_of_a_boundary():
    a, b = box(0, 0, 1, 1), box(2, 2, 3, 3)
    assert polygons(None) == []
    assert polygons(a) == [a]
    assert polygons(MultiPolygon([a, b])) == [a, b]
    assert polygons(GeometryCollection([Point(0, 0), a, LineString([(0, 0), (1, 1)])])) == [a]
    assert polygons(LineString([(0, 0), (1, 1)])) == []
