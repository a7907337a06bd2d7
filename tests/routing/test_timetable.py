"""Timing the courier runs: what each pickup takes when runs overlap at a unit."""

import numpy as np

from natplan.routing.collection import Collection
from natplan.routing.dispatch import Dispatch
from natplan.routing.timetable import timetable
from natplan.routing.zoneruns import STATION, Network, Run

from tests.routing.fleet_towns import fleet_town, service


def overlapping_runs() -> tuple:
    """U1 is 10 min from the station, U2 1 min, and U1–U2 10 min (hand-made van times); a van handover takes
    2 min.  Run A leaves at 08:00 for U1 then U2: U1 at 08:10, U2 at 08:22.  Run B leaves at 08:10 for U2 alone
    and is there at 08:11, before A.  Both units swab 1 person a minute from 08:00, 10 to a tube."""
    s = fleet_town({"U1": (5, 0), "U2": (0.5, 0)}, [{"id": "Z1", "units": ["U1", "U2"]}])
    svc = service(s)
    net = Network(index={"U1": 1, "U2": 2}, seconds=np.array([[0, 600, 60], [600, 0, 600], [60, 600, 0]]))
    runs = [Run(zone="Z1", interval=30, depart=480, base=STATION, units=("U1", "U2"), seconds=1500, end=505),
            Run(zone="Z1", interval=30, depart=490, base=STATION, units=("U2",), seconds=240, end=494)]
    c = Collection(plans={}, zone_runs={}, dispatch=Dispatch(vehicle={0: "Z1-1", 1: "Z1-2"}, drives=[], vehicles={}),
                   runs=runs, relays=[], base_interval={"Z1": 30})
    return s, svc, net, c


def test_a_pickup_counts_from_the_units_previous_pickup_in_time():
    # before the fix, A (timed first) took 22 people at U2 at 08:22 and B, there at 08:11, got 11 - 22 = -11
    s, svc, net, c = overlapping_runs()
    loops, relays, vehicles = timetable(s, svc, net, c)
    got = {(v, st.unit): (st.time, st.people, st.tubes, st.earliest_swab) for _run, v, lp in loops for st in lp.stops}
    assert got == {
        ("Z1-1", "U1"): (490, 10, 1, 481.0),
        ("Z1-2", "U2"): (491, 11, 1, 481.0),   # people 1-11 swabbed by 08:11; tube 1 (people 1-10) is closed
        ("Z1-1", "U2"): (502, 11, 1, 491.0),   # people 12-22; tube 2 (people 11-20) is closed, its oldest at 08:11
    }
    assert [(lp.depart, lp.back) for _run, _v, lp in loops] == [(480, 505), (490, 494)]
    assert relays == [] and vehicles == {0: "Z1-1", 1: "Z1-2"}
