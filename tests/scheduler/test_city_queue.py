"""A city's labs as shared queues: hand-checked replays of two townships' shuttles at one lab, the capacity that
keeps the age limit, and the townships that another lab within reach could take."""

from __future__ import annotations

import pytest

from natplan.scheduler.city_queue import Batch, capacity_needed, moves, replay
from natplan.scheduler.city_verify import shared_queue


def test_two_townships_in_one_queue_known_answer():
    # lab of 120 tubes an hour = 2 a minute.  A: 60 tubes at 10:00 (oldest swab 08:00) -> tested 10:30, 150 min.
    # B: 120 tubes at 10:10 (07:30) waits for A, then 60 min -> 11:30, 240 min.  A again: 30 at 10:20 (09:00)
    # waits for B -> 11:45, 165 min.  Then 20 tubes of B at 13:00 (11:00), the lab idle -> 13:10, 130 min.
    batches = [Batch("A", 600, 60, 480), Batch("B", 610, 120, 450), Batch("A", 620, 30, 540),
               Batch("B", 780, 20, 660)]
    r = replay(batches, 120)
    assert r.tested == (630.0, 690.0, 705.0, 790.0)
    assert r.ages == (150.0, 240.0, 165.0, 130.0)
    assert r.worst_by_township == {"A": 165.0, "B": 240.0}
    assert r.worst == 240.0 and r.worst_batch() == 1
    # verify's own replay from plan.json trips gives the same times
    trips = [[{"arrive": b.arrive, "tubes": b.tubes, "oldest_swab": b.oldest_swab} for b in batches if b.township == t]
             for t in ("A", "B")]
    assert shared_queue(trips, 120) == [{0: 630.0, 1: 705.0}, {0: 690.0, 1: 790.0}]


def test_same_minute_oldest_swab_first_then_city_order():
    # both at 10:00; B's samples are older, so the lab takes B first (60 tubes: 30 min), then A
    r = replay([Batch("A", 600, 60, 500), Batch("B", 600, 60, 450)], 120)
    assert r.tested == (660.0, 630.0)
    # the same swab: the city file's order (A first)
    assert replay([Batch("A", 600, 60, 450), Batch("B", 600, 60, 450)], 120).tested == (630.0, 660.0)
    assert shared_queue([[{"arrive": 600, "tubes": 60, "oldest_swab": 450}],
                         [{"arrive": 600, "tubes": 60, "oldest_swab": 450}]], 120) == [{0: 630.0}, {0: 660.0}]


def test_an_empty_lab_has_no_age():
    r = replay([], 100)
    assert r.worst is None and r.worst_batch() is None and r.worst_by_township == {}
    assert capacity_needed([], 240) == 0


def test_capacity_needed_is_the_fewest_that_keeps_the_limit():
    batches = [Batch("A", 600, 60, 480), Batch("B", 610, 120, 450), Batch("A", 620, 30, 540)]
    # B's oldest (07:30) must be tested by 11:20: A's 60 and B's 120 tubes in the 80 min from 10:00 -> 135 an hour,
    # and A's 30 tubes (from 09:00) are then tested at 11:33.3, 153 min
    assert capacity_needed(batches, 230) == 135
    assert replay(batches, 135).worst == pytest.approx(230.0)
    assert replay(batches, 134).worst > 230
    # a batch already 250 min old on arrival: no capacity helps
    assert capacity_needed([Batch("A", 700, 10, 450)], 240) is None


def test_moves_to_a_lab_within_reach_with_room():
    # L1 (60 an hour) gets A and B at 10:00: B waits 60 min behind A; L2 is fast but 10 min further for both
    batches = {"L1": [Batch("A", 600, 60, 420), Batch("B", 600, 60, 400)], "L2": []}
    tph = {"L1": 60, "L2": 6000}
    minutes = {("A", "L1"): 20, ("B", "L1"): 20, ("A", "L2"): 30, ("B", "L2"): 30}
    assert replay(batches["L1"], 60).worst_by_township == {"A": 300.0, "B": 260.0}  # B first (older), then A
    # moving B leaves A alone at L1: 60 tubes in 60 min, 240 — the limit kept; B at L2 from 10:10: 210.6
    found = moves(batches, tph, minutes, reach=100, limit=240)
    assert [(m.township, m.from_lab, m.to_lab, m.worst_at_to_lab) for m in found] == [("B", "L1", "L2", 210.6)]
    # L2 beyond reach: no move
    assert moves(batches, tph, minutes, reach=25, limit=240) == []


def test_a_lab_reached_at_the_limit_needs_a_nearer_lab_not_capacity():
    from pathlib import Path

    from natplan.models.city import load_city
    from natplan.scheduler.city_queue import over_limit

    city = load_city(Path(__file__).resolve().parents[1] / "data" / "city_small.yaml").city
    # 10 tubes swabbed from 07:40 reach L1 at 11:40, 240 min later: any queue at all puts them over
    batches = {"L1": [Batch("370202004", 700, 10, 460)], "L2": []}
    r = replay(batches["L1"], 40)
    assert r.worst == 255.0 and capacity_needed(batches["L1"], 240) is None
    e = over_limit(city, city.labs[0], batches, r, None, {}, 100)
    assert e.where == "lab L1" and e.fix == ("no capacity is enough: some samples reach lab L1 240 min after the "
                                             "swab, which leaves no time to test them; a lab nearer, or shuttles "
                                             "more often")
    assert e.problem.startswith("市南区检测实验室 tests 40 tubes an hour; with the shuttles of 1 township(s) in its "
                                "queue, samples are tested up to 255 min after the swab, 15 min over the 240-min "
                                "limit (the worst: township 370202004 云南路街道, samples from 07:40 on the shuttle at "
                                "the lab at 11:40, tested at 11:55)")


def test_the_modules_examples_hold():
    import doctest

    from natplan.scheduler import city_queue

    assert doctest.testmod(city_queue).failed == 0


TWO_AT_ONCE = [Batch(t, 480 + 60 * k, 300, 380 + 60 * k) for t in "AB" for k in range(1, 3)]
"""Two townships each sending 300 tubes at 09:00 and 10:00, 100 min old on arrival, to a lab testing 300 an hour:
A's first batch is tested at 10:00, B's at 11:00, A's second at 12:00 and B's at 13:00 (280 min after 08:20)."""


@pytest.mark.parametrize("slack, margin, delays, worst", [
    ({"A": 600, "B": 600}, 40, {"A": 120}, 160.0),  # each waits only its own hour: 160 min
    ({"A": 600, "B": 600}, 10, {"A": 90}, 190.0),  # 10 min under the limit is enough: the least delay that gets there
    ({"A": 60, "B": 0}, 40, {"A": 60}, 220.0),  # A may start an hour later at most: B's second batch waits for A's first
    ({"A": 0, "B": 0}, 40, {}, 280.0),  # neither may start later
])
def test_later_starts_known_answer(slack, margin, delays, worst):
    from dataclasses import replace

    from natplan.scheduler.city_queue import stagger

    assert replay(TWO_AT_ONCE, 300).worst == 280.0
    got = stagger({"L": TWO_AT_ONCE}, {"L": 300}, 200, slack, margin)
    assert got == delays
    moved = [replace(b, arrive=b.arrive + got.get(b.township, 0), oldest_swab=b.oldest_swab + got.get(b.township, 0))
             for b in TWO_AT_ONCE]
    assert replay(moved, 300).worst == worst


def test_later_starts_only_where_a_lab_breaks_the_limit_and_a_delay_helps():
    from natplan.scheduler.city_queue import stagger

    assert stagger({"L": TWO_AT_ONCE}, {"L": 300}, 280, {"A": 600, "B": 600}) == {}  # within the limit
    alone = [b for b in TWO_AT_ONCE if b.township == "A"] + [Batch("A", 660, 600, 560)]
    assert replay(alone, 300).worst > 200
    assert stagger({"L": alone}, {"L": 300}, 200, {"A": 600}) == {}  # one township: a later start changes nothing


def test_minutes_kept_for_the_queue_known_answer():
    from natplan.scheduler.city_queue import reserves

    # B's batch at 10:10 (swabbed from 07:30) waits for A's and is tested at 11:30: 240 min, 10 over a 230 limit
    two = [Batch("A", 600, 60, 480), Batch("B", 610, 120, 450)]
    assert reserves({"L": two}, {"L": 120}, 230) == {"B": (10, 10)}
    assert reserves({"L": two}, {"L": 120}, 240) == {}  # within the limit
    # a second round adds what it is still over to what it keeps
    assert reserves({"L": two}, {"L": 120}, 230, kept={"B": (10, 10)}) == {"B": (20, 20)}
    # its oldest were home-visit samples; the others (from 07:50) were tested 10 min within the limit
    home = [Batch("A", 600, 60, 480), Batch("B", 610, 120, 450, oldest_home=450, oldest_other=470)]
    assert reserves({"L": home}, {"L": 120}, 230) == {"B": (0, 10)}
    # minutes that would leave none of the limit are not asked for
    assert reserves({"L": two}, {"L": 120}, 230, kept={"B": (225, 225)}) == {}
