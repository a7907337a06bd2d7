"""A city's labs as shared queues: every township's shuttles through one first-come queue per lab.

Each township is planned on its own, and its shuttles' timetable knows only
its own tubes.  A lab shared by several townships tests them all in one
queue.  Here every *batch* — one shuttle trip of a township: when it reaches
the lab, its tubes, its oldest swab — of every township sent to a lab joins
that lab's queue in the order the batches arrive (batches arriving in the
same minute: the oldest swab first, then the city file's order), and is
tested when the lab has taken up its last tube at ``tubes_per_hour`` (the
town's rule, :func:`natplan.routing.shuttles.tested_times`).  Its oldest
sample's age at test is its test time less its oldest swab; no sample may
be older than ``sample_age_limit_min`` then.

Where a lab's queue breaks the limit, :func:`capacity_needed` gives the
capacity that would keep it, and :func:`moves` the townships that could go
to another lab within reach whose queue keeps the limit with them (their
batches shifted by the difference in driving minutes: an estimate until
they are planned again).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from natplan.models.city import City, CityLab
from natplan.models.clock import format_clock as hm
from natplan.models.plan import Explanation

EPS = 1e-6


def lab_queue(arrivals: Iterable[tuple[int, int]], tubes_per_hour: int) -> tuple[int | None, int]:
    """When the last tube is tested, and the largest backlog, for tubes arriving at a lab that tests
    ``tubes_per_hour`` (a fluid queue; arrivals are (minute, tubes)).

    >>> lab_queue([(600, 100), (660, 100)], 120)   # 100 tubes done by 650; the next 100 by 710
    (710, 100)
    """
    done, peak, t, backlog = None, 0, None, 0.0
    rate = tubes_per_hour / 60
    for minute, tubes in sorted(arrivals):
        if t is not None:
            backlog = max(0.0, backlog - (minute - t) * rate)
        backlog += tubes
        t = minute
        peak = max(peak, math.ceil(backlog))
    if t is not None:
        done = math.ceil(t + backlog / rate)
    return done, peak


@dataclass(frozen=True)
class Batch:
    """One shuttle trip's tubes at the lab."""

    township: str
    arrive: float  # minute it reaches the lab, boxes handed over
    tubes: int
    oldest_swab: float  # minute of its oldest sample's swab
    oldest_home: float | None = None  # the oldest swab of its home-visit samples (None: none, or not known)
    oldest_other: float | None = None  # the oldest swab of its other samples (None: ``oldest_swab``)


@dataclass(frozen=True)
class LabReplay:
    """A lab's queue replayed (:func:`replay`): each batch's test time and age, in the batches' order."""

    tested: tuple[float, ...]
    ages: tuple[float, ...]  # oldest sample's age at test, minutes
    worst_by_township: dict[str, float]  # by township, in the order the batches name them

    @property
    def worst(self) -> float | None:
        """The oldest sample's age at test over all batches (None without batches)."""
        return max(self.ages, default=None)

    def worst_batch(self) -> int | None:
        """Index of the batch whose oldest sample is oldest at test (the first such)."""
        return None if not self.ages else max(range(len(self.ages)), key=lambda k: (self.ages[k], -k))


def replay(batches: Sequence[Batch], tubes_per_hour: float) -> LabReplay:
    """Every batch through one first-come queue at ``tubes_per_hour``.

    Parameters
    ----------
    batches
        The lab's batches, from all its townships, in the city file's
        order of townships (that order breaks ties after arrival and swab).
    tubes_per_hour
        The lab's capacity.

    Returns
    -------
    LabReplay
        Test times and ages at test, in the order of ``batches``.

    Examples
    --------
    Two townships' shuttles at a lab of 120 tubes an hour: 60 tubes at 10:00 (swabbed from 08:00), 120 at
    10:10 (from 07:30).  The first are tested at 10:30, the second wait for them and take 60 minutes more:

    >>> r = replay([Batch("A", 600, 60, 480), Batch("B", 610, 120, 450)], 120)
    >>> r.tested, r.ages, r.worst
    ((630.0, 690.0), (150.0, 240.0), 240.0)
    """
    rate = tubes_per_hour / 60
    tested = [0.0] * len(batches)
    free = -math.inf
    for k in sorted(range(len(batches)), key=lambda k: (batches[k].arrive, batches[k].oldest_swab, k)):
        b = batches[k]
        free = max(free, float(b.arrive)) + b.tubes / rate
        tested[k] = free
    ages = [t - b.oldest_swab for t, b in zip(tested, batches)]
    worst: dict[str, float] = {}
    for b, age in zip(batches, ages):
        worst[b.township] = max(worst.get(b.township, -math.inf), age)
    return LabReplay(tuple(tested), tuple(ages), worst)


def capacity_needed(batches: Sequence[Batch], limit: float) -> int | None:
    """The fewest tubes an hour with which every batch is tested within ``limit`` minutes of its oldest swab.

    Parameters
    ----------
    batches
        The lab's batches.
    limit
        ``sample_age_limit_min``.

    Returns
    -------
    int | None
        Tubes an hour; None when some batch is over the limit already on arrival (no capacity helps).

    Examples
    --------
    All 180 tubes tested between 10:00 and 11:20, when B's oldest sample turns 230 minutes:

    >>> capacity_needed([Batch("A", 600, 60, 480), Batch("B", 610, 120, 450)], 230)
    135
    """
    if not batches:
        return 0
    if max(b.arrive - b.oldest_swab for b in batches) >= limit - EPS:
        return None

    def fits(tph: int) -> bool:
        return replay(batches, tph).worst <= limit + EPS

    hi = 1
    while not fits(hi):
        hi *= 2
        if hi > 1 << 40:
            return None
    lo = hi // 2  # does not fit (or 0)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if fits(mid) else (mid, hi)
    return hi


@dataclass(frozen=True)
class Move:
    """A township sent to another lab, whose queue keeps the age limit with it (estimated)."""

    township: str
    from_lab: str
    to_lab: str
    worst_at_to_lab: float  # the destination's worst age at test with it, estimated


def moves(batches: dict[str, list[Batch]], tubes_per_hour: dict[str, int], minutes: dict[tuple[str, str], float],
          reach: float, limit: float) -> list[Move]:
    """Townships to send elsewhere so that over-limit labs keep the limit (greedy, labs in the given order).

    At an over-limit lab the move taken is the one that leaves it the
    youngest worst age, among townships within ``reach`` minutes of a lab
    whose queue keeps the limit with them (their batches arrive earlier or
    later by the difference in driving minutes); ties go to the fewer
    tube-minutes of driving.  Moves are added until the lab keeps the
    limit or no move is left.

    Parameters
    ----------
    batches
        Each lab's batches, by lab id (every lab, in the city file's order).
    tubes_per_hour
        Each lab's capacity.
    minutes
        Van minutes (township, lab) for every pair.
    reach
        The longest drive a township may be given (:func:`natplan.scheduler.city.reach_limit_min`).
    limit
        ``sample_age_limit_min``.

    Returns
    -------
    list[Move]
        In the order taken; empty when no move helps.
    """
    now = {lab: list(bs) for lab, bs in batches.items()}
    out: list[Move] = []
    for lab in list(now):
        while (replay(now[lab], tubes_per_hour[lab]).worst or 0) > limit + EPS:
            best = None
            for tid in dict.fromkeys(b.township for b in now[lab]):
                mine = [b for b in now[lab] if b.township == tid]
                rest = [b for b in now[lab] if b.township != tid]
                left = replay(rest, tubes_per_hour[lab]).worst or 0.0
                for other, queue in now.items():
                    if other == lab or minutes[tid, other] > reach:
                        continue
                    shift = minutes[tid, other] - minutes[tid, lab]
                    there = queue + [replace(b, arrive=b.arrive + shift) for b in mine]
                    worst = replay(there, tubes_per_hour[other]).worst
                    if worst <= limit + EPS:
                        key = (left, sum(b.tubes for b in mine) * minutes[tid, other])
                        if best is None or key < best[0]:
                            best = (key, Move(tid, lab, other, round(worst, 1)), rest, there)
            if best is None:
                break
            _, move, now[lab], now[move.to_lab] = best
            out.append(move)
    return out


STAGGER_STEP_MIN = 30
"""Townships start later in steps of this many minutes (:func:`stagger`)."""
STAGGER_MOST_MIN = 360
"""The latest a township is asked to start, after the round's start (six hours)."""
STAGGER_MARGIN_MIN = 15
"""Later starts aim this far under the age limit (their shuttles are estimated until planned again); below it, the
least delay is best."""


def stagger(batches: dict[str, list[Batch]], tubes_per_hour: dict[str, int], limit: float,
            slack: dict[str, float], margin: float = STAGGER_MARGIN_MIN) -> dict[str, int]:
    """Later starts for townships at a lab over the limit (错峰): minutes each should start after the round's
    start so that their peaks do not all reach the lab at once.

    A township that starts ``d`` minutes later is taken to send the same shuttles ``d`` minutes later (its
    samples as old on arrival): an estimate until it is planned again.  For each lab whose queue breaks the
    limit, the delays (multiples of :data:`STAGGER_STEP_MIN`, at most :data:`STAGGER_MOST_MIN` and the
    township's ``slack``) are chosen township by township, in the batches' order, each the one that makes the
    oldest sample at test youngest, down to ``margin`` under the limit (then the fewest tube-minutes over the
    limit, then the least delay in all: a later start makes the township finish later), over and over until none
    changes.  A lab where no delay helps gets none.

    Parameters
    ----------
    batches, tubes_per_hour
        As for :func:`moves`.
    limit
        ``sample_age_limit_min``.
    slack
        By township: the most minutes it may start later and still finish within the days it takes.
    margin
        Minutes under the limit below which a younger oldest sample is worth no more delay.

    Returns
    -------
    dict[str, int]
        Minutes by township, only those that should start later.

    Examples
    --------
    Two townships each send 300 tubes at 09:00 and at 10:00, 100 min old on arrival, to a lab testing 300 an hour:
    the queue makes the last ones 280 min old at test.  With A starting two hours later each waits only its own
    hour (160 min at test; an hour later would leave 220):

    >>> both = [Batch(t, 480 + 60 * k, 300, 380 + 60 * k) for t in "AB" for k in range(1, 3)]
    >>> round(replay(both, 300).worst)
    280
    >>> stagger({"L": both}, {"L": 300}, 200, {"A": 600, "B": 600})
    {'A': 120}
    """
    out: dict[str, int] = {}
    for lab, bs in batches.items():
        if (replay(bs, tubes_per_hour[lab]).worst or 0.0) <= limit + EPS:
            continue
        tids = list(dict.fromkeys(b.township for b in bs))

        def key(d: dict[str, int]) -> tuple[float, float, int]:
            moved = [replace(b, arrive=b.arrive + d[b.township], oldest_swab=b.oldest_swab + d[b.township],
                             oldest_home=None if b.oldest_home is None else b.oldest_home + d[b.township],
                             oldest_other=None if b.oldest_other is None else b.oldest_other + d[b.township])
                     for b in bs]
            rp = replay(moved, tubes_per_hour[lab])
            over = sum(b.tubes * max(0.0, a - limit) for b, a in zip(moved, rp.ages))
            return max(round(rp.worst or 0.0, 6), limit - margin), round(over, 3), sum(d.values())

        now = {t: 0 for t in tids}
        first = key(now)
        for _ in range(2 * len(tids)):
            changed = False
            for t in tids:
                most = min(STAGGER_MOST_MIN, slack.get(t, 0))
                options = [{**now, t: k} for k in range(0, int(most) + 1, STAGGER_STEP_MIN)]
                pick = min(options, key=key, default=now)
                if pick[t] != now[t]:
                    now, changed = pick, True
            if not changed:
                break
        if key(now)[0] < first[0] - EPS:
            out |= {t: k for t, k in now.items() if k}
    return out


def reserves(batches: dict[str, list[Batch]], tubes_per_hour: dict[str, int], limit: float,
             kept: dict[str, tuple[int, int]] | None = None) -> dict[str, tuple[int, int]]:
    """Minutes of the age limit each township over the limit at its lab should keep for the lab's shared queue:
    for all its samples, and for its home-visit samples (at least as many).

    A township planned again keeping ``m`` minutes tests its samples within ``limit - m`` counting only its own
    tubes in the queue (:func:`natplan.models.scenario.age_limit_min`), so they reach the lab ``m`` minutes
    younger.  ``m`` is what it keeps already (``kept``) and the minutes its oldest sample at test was over the
    limit (whole minutes up): the least change that could bring it in, found again in a next round if the
    queue, with the new shuttles, still breaks the limit.  Home-visit samples are counted apart: their teams'
    trips are cheap to shorten, while keeping minutes from the courier loops can take vehicles, so a township
    whose oldest samples at test come from homes keeps more minutes for those only.

    Parameters
    ----------
    batches, tubes_per_hour
        As for :func:`moves`.
    limit
        ``sample_age_limit_min``.
    kept
        Minutes each township keeps already, (all samples, home-visit samples), from an earlier round.

    Returns
    -------
    dict[str, tuple[int, int]]
        (all samples, home-visit samples) by township, in the order the batches name them: the townships over
        the limit whose minutes grow and leave some time (less than ``limit``); empty when every lab keeps it.

    Examples
    --------
    B's samples, 160 min old on arrival, are tested at 690, 240 min after the swab: 10 over a 230-min limit.
    Planned again keeping 10 min, they reach the lab at most 150 min old:

    >>> reserves({"L": [Batch("A", 600, 60, 480), Batch("B", 610, 120, 450)]}, {"L": 120}, 230)
    {'B': (10, 10)}

    When the oldest were home-visit samples (from 450; the others from 470, tested 10 min within the limit), the
    home-visit trips keep 10 min more and the couriers nothing more:

    >>> reserves({"L": [Batch("A", 600, 60, 480), Batch("B", 610, 120, 450, oldest_home=450, oldest_other=470)]},
    ...          {"L": 120}, 230, kept={"B": (5, 5)})
    {'B': (5, 15)}
    """
    kept = kept or {}
    out: dict[str, tuple[int, int]] = {}
    for lab, bs in batches.items():
        rp = replay(bs, tubes_per_hour[lab])
        if (rp.worst or 0.0) <= limit + EPS:
            continue
        over_home: dict[str, float] = {}  # minutes over the limit at test, at most, by township (0: none over)
        over_other: dict[str, float] = {}
        for b, t in zip(bs, rp.tested):
            other = b.oldest_swab if b.oldest_other is None else b.oldest_other
            over_other[b.township] = max(over_other.get(b.township, 0.0), t - other - limit)
            if b.oldest_home is not None:
                over_home[b.township] = max(over_home.get(b.township, 0.0), t - b.oldest_home - limit)
        for tid, age in rp.worst_by_township.items():
            if age <= limit + EPS:
                continue
            was, was_home = kept.get(tid, (0, 0))
            m = was + math.ceil(over_other[tid] - EPS)
            home = max(m, was_home + math.ceil(over_home.get(tid, 0.0) - EPS))
            if (m, home) != (was, was_home) and home < limit:
                out[tid] = (m, home)
    return out


def shares(batches: dict[str, list[Batch]], tubes_per_hour: dict[str, int], limit: float) -> dict[str, int]:
    """Each township's share of its lab's capacity, at the labs whose queue breaks ``limit``: the lab's tubes an
    hour in proportion to the township's tubes there (at least 1).  A township planned again counting its share
    sends its shuttles often enough for that queue; the shares add up to no more than the lab tests.

    Parameters
    ----------
    batches, tubes_per_hour
        As for :func:`moves`.
    limit
        ``sample_age_limit_min`` (a negative limit: every lab with batches).

    Returns
    -------
    dict[str, int]
        Tubes an hour by township; empty when every lab keeps the limit.

    Examples
    --------
    >>> shares({"L": [Batch("A", 600, 60, 480), Batch("B", 610, 120, 450)]}, {"L": 120}, 230)
    {'A': 40, 'B': 80}
    """
    out: dict[str, int] = {}
    for lab, bs in batches.items():
        if (replay(bs, tubes_per_hour[lab]).worst or 0.0) <= limit + EPS:
            continue
        tubes: dict[str, int] = {}
        for b in bs:
            tubes[b.township] = tubes.get(b.township, 0) + b.tubes
        total = sum(tubes.values())
        out |= {tid: max(1, tubes_per_hour[lab] * n // total) for tid, n in tubes.items()}
    return out


def _over(batches: dict[str, list[Batch]], tubes_per_hour: dict[str, int], limit: float) -> bool:
    return any((replay(bs, tubes_per_hour[lab]).worst or 0.0) > limit + EPS for lab, bs in batches.items())


def repair(batches: dict[str, list[Batch]], tubes_per_hour: dict[str, int], minutes: dict[tuple[str, str], float],
           reach: float, limit: float) -> list[Move]:
    """The townships to plan again at another lab: :func:`moves`, but only when some lab's queue breaks the limit
    and the moves, as estimated, leave none over it (else the plan states the problem, :func:`over_limit`).

    Parameters
    ----------
    batches, tubes_per_hour, minutes, reach, limit
        As for :func:`moves`.

    Returns
    -------
    list[Move]
        Empty when every lab keeps the limit, or when moves would not make them all keep it.
    """
    if not _over(batches, tubes_per_hour, limit):
        return []
    found = moves(batches, tubes_per_hour, minutes, reach, limit)
    to = {m.township: m for m in found}
    after: dict[str, list[Batch]] = {lab: [] for lab in batches}
    for lab, bs in batches.items():
        for b in bs:
            m = to.get(b.township)
            after[lab if m is None else m.to_lab].append(
                b if m is None else replace(b, arrive=b.arrive + minutes[b.township, m.to_lab] - minutes[b.township, lab]))
    return [] if _over(after, tubes_per_hour, limit) else found


def over_limit(city: City, lab: CityLab, batches: dict[str, list[Batch]], rp: LabReplay, need: int | None,
               minutes: dict[tuple[str, str], float], reach: float) -> Explanation:
    """A lab whose queue makes samples older than the limit when tested, in words: which townships, by how much,
    and the capacity (or the townships to send to which other lab) that would keep the limit.

    Parameters
    ----------
    city
        The city file.
    lab
        The lab over the limit.
    batches
        Every lab's batches, by lab id (``batches[lab.id]`` replayed as ``rp``).
    rp
        The lab's replay (:func:`replay`).
    need
        :func:`capacity_needed` for the lab.
    minutes
        Van minutes (township, lab) for every pair (empty: no moves are suggested).
    reach
        The longest drive a township may be given.

    Returns
    -------
    Explanation
        ``where`` is ``lab <id>``.
    """
    limit = city.parameters.sample_age_limit_min
    names = {t.id: t.name for t in city.townships}
    k = rp.worst_batch()
    worst = batches[lab.id][k]
    late = ", ".join(f"{tid} {names[tid]} ({age:.0f} min)" for tid, age in rp.worst_by_township.items()
                     if age > limit + EPS)
    problem = (f"{lab.name} tests {lab.tubes_per_hour:,} tubes an hour; with the shuttles of "
               f"{len(rp.worst_by_township)} township(s) in its queue, samples are tested up to {rp.worst:.0f} min "
               f"after the swab, {rp.worst - limit:.0f} min over the {limit}-min limit (the worst: township "
               f"{worst.township} {names[worst.township]}, samples from {hm(worst.oldest_swab)} on the shuttle at the "
               f"lab at {hm(worst.arrive)}, tested at {hm(rp.tested[k])}); over the limit: {late}")
    if need is not None:
        fix = f"test at least {need:,} tubes an hour at lab {lab.id} ({need - lab.tubes_per_hour:,} more)"
        fix_zh = f"实验室 {lab.id} 每小时至少检测 {need:,} 管（增加 {need - lab.tubes_per_hour:,} 管）"
    else:
        late_in = max(b.arrive - b.oldest_swab for b in batches[lab.id])
        fix = (f"no capacity is enough: some samples reach lab {lab.id} {late_in:.0f} min after the swab, which "
               "leaves no time to test them; a lab nearer, or shuttles more often")
        fix_zh = f"实验室能力再大也不够：部分样本送达实验室 {lab.id} 时距采样已 {late_in:.0f} 分钟，来不及检测；请就近设实验室，或加密转运"
    found = []
    if minutes:
        tph = {x.id: x.tubes_per_hour for x in city.labs}
        first = {lab.id: batches[lab.id]} | {x: bs for x, bs in batches.items() if x != lab.id}
        found = [m for m in moves(first, tph, minutes, reach, limit) if m.from_lab == lab.id]
    moves_en = "".join(f"; or send township {m.township} {names[m.township]} to lab {m.to_lab} "
                       f"({minutes[m.township, m.to_lab]:.0f} min away; its queue then tests within "
                       f"{m.worst_at_to_lab:.0f} min, estimated)" for m in found)
    moves_zh = "".join(f"；或把{names[m.township]}（{m.township}）改送实验室 {m.to_lab}（车程 "
                       f"{minutes[m.township, m.to_lab]:.0f} 分钟，估计检测时距采样不超过 {m.worst_at_to_lab:.0f} 分钟）"
                       for m in found)
    params = {"name": lab.name, "tph": f"{lab.tubes_per_hour:,}", "n": str(len(rp.worst_by_township)),
              "worst": f"{rp.worst:.0f}", "limit": str(limit), "over": f"{rp.worst - limit:.0f}",
              "township": f"{names[worst.township]}（{worst.township}）", "swab": hm(worst.oldest_swab),
              "arrive": hm(worst.arrive), "tested": hm(rp.tested[k]),
              "late": "、".join(f"{names[tid]} {age:.0f} 分钟" for tid, age in rp.worst_by_township.items()
                               if age > limit + EPS),
              "township_en": f"township {worst.township} {names[worst.township]}", "late_en": late,
              "need_zh": fix_zh, "moves_zh": moves_zh, "need_en": fix, "moves_en": moves_en}
    return Explanation(where=f"lab {lab.id}", problem=problem, fix=fix + moves_en, code="city_lab_queue",
                       params=params)
