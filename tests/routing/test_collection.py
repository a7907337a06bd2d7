"""The search over zone plans (natplan.routing.collection) on a hand-made zone: a longer interval must not drop
a unit from every loop.

One zone, one van, the loops' age budget 73 min and a 5-min handover, so a loop from the station may take at most
43 min at a 30-minute interval, 28 at 45 and 13 at 60.  Van minutes: station-A 3, station-B 11, A-B 12, and a
2-min handover at each unit.  A is open 07:20-08:20 with 200 people; B only 07:20-07:26, a day shorter than one
interval, with 20 (a single pickup, at 07:30).

* Both at 30: the 07:30 run is one loop of 3 + 2 + 12 + 2 + 11 = 30 min, back with its handover at 08:05, after the
  08:00 run should leave (or two loops at once): one run has no vehicle.
* B at 60 would leave no run short, but a loop to B alone takes 24 min, more than the 13 a 60-minute interval
  allows: B would never be collected.
* A at 60, B at 30: B's loop leaves at 07:30 and is back at 07:59 (24 + 5), A's runs leave at 08:00 and 09:00.
  This is the plan: relaxing B to 45 alone, A to 45 alone, or both (their one loop is 30 min, over the 28 a
  45-minute interval allows) still leaves two loops out at 07:30.
"""

import numpy as np

from natplan.routing.collection import Fleet, Rules, choose_collection
from natplan.routing.dispatch import FleetVehicle
from natplan.routing.zoneruns import Limits, Network, UnitWindow, ZoneRunner

MIN = 60


def search():
    seconds = MIN * np.array([[0, 3, 11], [3, 0, 12], [11, 12, 0]], dtype=np.int64)
    net = Network({"A": 1, "B": 2}, seconds)
    windows = {"A": UnitWindow("A", 440.0, 500.0, 200), "B": UnitWindow("B", 440.0, 446.0, 20)}
    runner = ZoneRunner(net, windows, Limits(handover_min=5, budget_min=73.0), seed=0)
    fleet = Fleet({"Z1": [FleetVehicle("V1", "V1", 10, "Z1")]}, [])
    rules = Rules(lend=False, move=False, longer=(45, 60), relays=False, add_extra=False)
    return runner, choose_collection(runner, [("Z1", 30, ["A", "B"])], {"A": 200, "B": 20}, fleet, rules)


def test_the_limits_of_the_hand_made_zone():
    runner, _ = search()
    assert runner.alone_s("B") == 24 * MIN
    assert [runner.limits.station_s(c) for c in (30, 45, 60)] == [43 * MIN, 28 * MIN, 13 * MIN]


def test_a_unit_whose_day_is_shorter_than_an_interval_is_not_relaxed_out_of_reach():
    runner, c = search()
    assert c.plans["Z1"].intervals == (60, 30)
    assert c.short == 0 and c.unreachable == []
    assert runner.runs(c.plans["Z1"]).unreachable == ()
    # independently: every unit on a run at every collection time of its interval, each run with the van
    on = sorted((r.depart, u) for r in c.runs for u in r.units)
    assert on == [(450, "B"), (480, "A"), (540, "A")]
    assert set(c.dispatch.vehicle.values()) == {"V1"}
