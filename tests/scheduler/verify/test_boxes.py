"""verify.boxes: planted violations on the frozen tiny plan (tests/scheduler/verify/conftest.py), the exact words.

The frozen tiny plan (tests/scheduler/verify/conftest.py): ten swabs to a tube, 50 tubes to a box.  U2 swabs 1.67 people a minute from
10:00 (the queue never empties until the end), so by minute t it has closed floor((t - 600) / 6) tubes, and its first
swab was taken in the minute after 10:00.  Pickup and shuttle times are read from the plan.
"""

from natplan.models.clock import format_clock as hm
from natplan.scheduler.verify.boxes import (
    boxes_counted,
    pickups_match_swabs,
    shuttles_carry_arrived_boxes,
)


def _pickups(frozen, unit):
    return [st for lp in frozen["routing"]["zones"][0]["routes"][0]["loops"] for st in lp["stops"]
            if st["unit"] == unit and st["tubes"]]


def test_the_good_plan_carries_its_boxes(tiny, frozen):
    for rule in (pickups_match_swabs, boxes_counted, shuttles_carry_arrived_boxes):
        assert rule(tiny.scenario, frozen) == [], rule.__name__


def test_tubes_moved_to_an_earlier_pickup(tiny, frozen):
    first, second = _pickups(frozen, "U2")[:2]
    first["tubes"] += 2
    second["tubes"] -= 2
    closed = (first["time"] - 600) // 6
    assert pickups_match_swabs(tiny.scenario, frozen) == [
        f"unit U2: by the pickup at {hm(first['time'])} (Z1-1) {closed + 2} tubes are taken, only {closed} were closed"]


def test_tubes_left_for_a_later_pickup(tiny, frozen):
    first, second = _pickups(frozen, "U2")[:2]
    first["tubes"] -= 2
    second["tubes"] += 2
    closed = (first["time"] - 1 - 600) // 6
    assert pickups_match_swabs(tiny.scenario, frozen) == [
        f"unit U2: by the pickup at {hm(first['time'])} (Z1-1) {closed - 2} tubes are taken, {closed} were closed "
        f"and waiting"]


def test_a_pickup_that_says_its_samples_are_younger(tiny, frozen):
    first = _pickups(frozen, "U2")[0]
    first["earliest_swab"] += 60
    assert pickups_match_swabs(tiny.scenario, frozen) == [
        f"unit U2: the pickup at {hm(first['time'])} (Z1-1) gives its oldest swab as 11:01, it was taken at 10:01"]


def test_boxes_that_do_not_hold_the_tubes(tiny, frozen):
    st = _pickups(frozen, "U1")[0]
    st["boxes"] = 0
    trip = frozen["routing"]["shuttles"]["trips"][-1]
    trip["boxes"] = 3
    assert boxes_counted(tiny.scenario, frozen) == [
        f"unit U1: the pickup at {hm(st['time'])} (Z1-1) has 0 boxes for {st['tubes']} tubes",
        f"the shuttle of {hm(trip['depart'])} (V1) has 3 boxes for {trip['tubes']} tubes"]


def test_shuttles_that_do_not_carry_what_reached_the_station(tiny, frozen):
    a, b = frozen["routing"]["shuttles"]["trips"][-2:]
    a["tubes"] += 3
    b["tubes"] -= 3
    assert shuttles_carry_arrived_boxes(tiny.scenario, frozen) == [
        f"the shuttle of {hm(a['depart'])} (V1) carries {a['tubes']} tubes, {a['tubes'] - 3} reached the station for it",
        f"the shuttle of {hm(b['depart'])} (V1) carries {b['tubes']} tubes, {b['tubes'] + 3} reached the station for it"]


def test_shuttles_that_state_their_age_wrongly(tiny, frozen):
    shuttles = frozen["routing"]["shuttles"]
    trip = shuttles["trips"][0]  # H01's tube: swabbed at 08:02
    trip["oldest_swab"] = 500
    trip["worst_age_min"] = 10
    shuttles["worst_age_min"] = 100
    age = trip["arrive"] - 482
    worst = max(t["arrive"] - t["oldest_swab"] for t in shuttles["trips"][1:])
    assert shuttles_carry_arrived_boxes(tiny.scenario, frozen) == [
        f"the shuttle of {hm(trip['depart'])} (V1) gives its oldest swab as 08:20, it is 08:02",
        f"the shuttle of {hm(trip['depart'])} (V1) gives its oldest sample's age as 10 min, it is {age:.0f}",
        f"the shuttles give the oldest sample's age as 100 min, it is {max(age, worst):.0f}"]


def test_boxes_that_reach_the_station_after_the_last_shuttle(tiny, frozen):
    last = frozen["routing"]["shuttles"]["trips"].pop()
    h = tiny.scenario.fleet.station_handover_min  # a box may leave once it is handed over and signed
    late = [(lp, st) for lp in frozen["routing"]["zones"][0]["routes"][0]["loops"] for st in lp["stops"]
            if st["tubes"] and lp["back"] + h > frozen["routing"]["shuttles"]["trips"][-1]["depart"]]
    assert late and last["tubes"] == sum(st["tubes"] for _, st in late)
    assert shuttles_carry_arrived_boxes(tiny.scenario, frozen) == [
        f"the box of {st['unit']} picked up at {hm(st['time'])} by Z1-1 is handed over at the station at "
        f"{hm(lp['back'] + h)}, after the last shuttle" for lp, st in late]


def test_a_pickup_that_misstates_the_people_swabbed(tiny, frozen):
    first = _pickups(frozen, "U2")[0]  # the queue never empties: 5/3 a minute since 10:00
    first["people"] = 10  # since the pickup of 10:02, which took two people's swabs and no tube
    low, high = (first["time"] - 1 - 602) * 5 / 3, (first["time"] - 601) * 5 / 3
    assert pickups_match_swabs(tiny.scenario, frozen) == [
        f"unit U2: the pickup at {hm(first['time'])} (Z1-1) says 10 people were swabbed since the last, "
        f"{round(low)}–{round(high)} were"]


def _split_at_same_minute(frozen, first_empty: bool):
    """A second vehicle (V9) at U2 in the minute of Z1-1's first full pickup there, the two sharing its people and
    tubes: all of them on one vehicle (the other passing by empty) when ``first_empty``, else half on each."""
    route = frozen["routing"]["zones"][0]["routes"][0]
    st = _pickups(frozen, "U2")[0]
    other = dict(st)
    if first_empty:
        other.update(people=0, tubes=0, boxes=0)
    else:
        half_p, half_t = st["people"] // 2, st["tubes"] // 2
        other.update(people=half_p, tubes=half_t, boxes=1)
        st.update(people=st["people"] - half_p, tubes=st["tubes"] - half_t)
    extra = {**route, "vehicle": "V9", "loops": [{**route["loops"][0], "stops": [other]}]}
    frozen["routing"]["zones"][0]["routes"].insert(0, extra)
    return st


def test_two_vehicles_at_a_unit_in_the_same_minute_share_its_tubes_in_any_order(tiny, frozen):
    """Which of two vehicles there in the same minute takes the tubes is not the plan's to order: an empty one
    listed first (a fuzzed town planned that way), or the tubes split between them, both pass."""
    import copy

    for first_empty in (True, False):
        plan = copy.deepcopy(frozen)
        _split_at_same_minute(plan, first_empty)
        assert pickups_match_swabs(tiny.scenario, plan) == [], first_empty


def test_two_vehicles_in_the_same_minute_still_take_no_more_than_was_closed(tiny, frozen):
    st = _split_at_same_minute(frozen, first_empty=False)
    st["tubes"] += 2
    closed = (st["time"] - 600) // 6
    assert pickups_match_swabs(tiny.scenario, frozen) == [
        f"unit U2: by the pickup at {hm(st['time'])} (V9+Z1-1) {closed + 2} tubes are taken, only {closed} were closed"]
