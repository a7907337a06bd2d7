"""Travel times: straight lines by default, shortest paths when the scenario gives roads."""

import numpy as np

from natplan.models.scenario import Scenario
from natplan.routing.network import van_minutes


def _town(roads=None) -> Scenario:
    data = {
        "name": "路镇", "region": {"name": "路镇"},
        "villages": [{"id": "V1", "name": "村", "location": {"lon": 120.0, "lat": 36.0},
                      "grids": [{"id": "G1", "name": "组", "location": {"lon": 120.0, "lat": 36.0},
                                 "households": 1, "people": 1}]}],
        "units": [{"id": "U1", "name": "点", "location": {"lon": 120.01, "lat": 36.0}, "desks": 1}],
        "groups": [{"id": "T1", "name": "组", "members": [{"name": "甲", "role": "lead"}, {"name": "乙", "role": "sampler"}]}],
        "zones": [{"id": "Z1", "name": "片", "units": ["U1"]}],
        "station": {"name": "站", "location": {"lon": 120.0, "lat": 36.0}},
        "lab": {"name": "实验室", "travel_min": 20},
        "parameters": {"van_speed_kmh": 60, "detour_factor": 1.0},
    }
    if roads:
        data["roads"] = roads
    return Scenario.model_validate(data)


def test_straight_line_by_default():
    # 0.01 degree of longitude at 36 N is 900 m: 0.9 min at 60 km/h
    t = van_minutes(_town(), [120.0, 120.01], [36.0, 36.0])
    assert round(float(t[0, 1]), 2) == 0.9


def test_roads_give_shortest_path_times():
    # the road goes round by a node 1 km north: 1,000 m + 1,346 m at 30 km/h, not the 900 m straight line
    roads = {
        "nodes": [{"id": "A", "location": {"lon": 120.0, "lat": 36.0}},
                  {"id": "N", "location": {"lon": 120.005, "lat": 36.009}},
                  {"id": "B", "location": {"lon": 120.01, "lat": 36.0}}],
        "edges": [{"a": "A", "b": "N", "length_m": 1000, "speed_kmh": 30},
                  {"a": "N", "b": "B", "length_m": 1346, "speed_kmh": 30}],
    }
    t = van_minutes(_town(roads), [120.0, 120.01], [36.0, 36.0])
    assert np.isclose(t[0, 1], (1000 + 1346) / 500)
    assert np.isclose(t[1, 0], t[0, 1]) and t[0, 0] == 0


def test_disconnected_roads_fall_back_to_straight_lines():
    roads = {
        "nodes": [{"id": "A", "location": {"lon": 120.0, "lat": 36.0}},
                  {"id": "A2", "location": {"lon": 120.001, "lat": 36.0}},
                  {"id": "B", "location": {"lon": 120.01, "lat": 36.0}},
                  {"id": "B2", "location": {"lon": 120.011, "lat": 36.0}}],
        "edges": [{"a": "A", "b": "A2", "length_m": 90}, {"a": "B", "b": "B2", "length_m": 90}],
    }
    t = van_minutes(_town(roads), [120.0, 120.01], [36.0, 36.0])
    assert round(float(t[0, 1]), 2) == 0.9
