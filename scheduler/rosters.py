"""Each person's day: travel, set-up, work, gear changes and a meal, within the labour rules.

A group's day is its stays (:class:`Stay`), one unit after another.  Every
member travels, sets up and works with the group; what differs from person
to person is when they take their breaks:

- **gear changes** cut each stretch at a unit (set-up to closing) into
  gowns of at most ``gear_change_interval_min`` and stints of at least
  ``min_stint_min`` (:func:`natplan.scheduler.labour.gear_changes` of them);
- **a meal** for anyone whose day spans more than ``meal_after_min``: it
  closes the day when work ends inside a meal window (eat, then go home),
  otherwise it is taken inside a meal window while the unit works.

Breaks are placed person by person, role by role, each at the time that
costs the unit least: a sampler's break costs a desk only when no spare
sampler (one beyond the desks the group works) is free to cover it, and a
break that would leave a unit with no sampler at all is avoided.  Placed one
person after another, the breaks of a role can still leave a minute with
nobody of it at work that other turns avoid; then each person's breaks are
placed again with everyone else's fixed (:func:`_take_turns`), until no such
minute is left or no move removes one.  A unit then pauses where the rules
leave no choice (three meals of 30 min that must all start between 12:35
and 13:00 all cover 13:00-13:05); ``tests/scheduler/test_rosters.py`` checks
single stays against an exact model of the rules.  The same stays give the same
rosters.  A day longer than ``max_work_min`` is worked
in shifts of the group's own members (:mod:`natplan.scheduler.relief`), or
explained when they are too few.  :func:`working_samplers` counts the samplers
at work at a unit minute by minute: the unit swabs ``throughput`` an hour at
each of ``min(desks, samplers at work)`` desks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from natplan.models.clock import format_clock as hm
from natplan.models.plan import Explanation, Shift
from natplan.models.scenario import ROLE_ZH, Group, Member, Role
from natplan.scheduler.labour import LabourRules, gear_changes
from natplan.scheduler.relief import Relief, Shortfall, plan_relief

BLOCKED = 10_000  # cost of a minute in which a break would leave a unit with nobody of the role at work
SPREAD = 1  # cost of each other person of the role away in the same minute (spreads the breaks)
DESK = 100  # cost of a desk-minute lost
PREFER = 0.01  # cost of each minute a break is away from its ideal time


@dataclass(frozen=True)
class Stay:
    """A group's stay at a unit, as its members' rosters see it."""

    unit: str
    arrive: int  # set-up starts
    open: int  # work starts
    close: int  # work ends
    desks: int  # desks the group's samplers work here
    travel: int = 0  # minutes on the road just before arriving
    commute: int = 0  # minutes from the group's home: the trip of a crew that relieves the group here
    relieve: bool = False  # a crew takes over here: arrive to open it puts on its gear (a "gear" shift)


@dataclass(frozen=True)
class GroupDay:
    """The shifts of one group's members, and what could not be kept."""

    shifts: list[Shift]
    problems: list[Explanation]
    notes: list[str] = field(default_factory=list)  # a relieved day, in words (for the plan's warnings)


class _Away:
    """Minutes each role of the group is away on breaks, on an absolute clock from ``t0``."""

    def __init__(self, t0: int, t1: int):
        self.t0 = t0
        self.count: dict[Role, np.ndarray] = defaultdict(lambda: np.zeros(t1 - t0 + 1, dtype=np.int64))

    def add(self, role: Role, a: int, b: int, n: int = 1) -> None:
        self.count[role][a - self.t0:b - self.t0] += n

    def costs(self, role: Role, lo: int, hi: int, length: int, spare: int, present: int) -> np.ndarray:
        """Cost of a break of ``length`` starting at each minute ``lo..hi`` (inclusive): for samplers the desk
        minutes it loses (none while a spare covers it), for everyone a little for each other person of the
        role away, and a lot where it would leave nobody of the role at work."""
        away = self.count[role][lo - self.t0:hi + length - self.t0]
        per = SPREAD * away + BLOCKED * (away + 1 >= present) * (present > 1)
        if role == Role.sampler:
            per = per + DESK * (away >= spare)  # a desk stops when no spare sampler is left to cover
        c = np.concatenate([[0], np.cumsum(per)])
        return c[length:length + hi - lo + 1] - c[:hi - lo + 1]


def _place(away: _Away, role: Role, lo: int, hi: int, length: int, spare: int, present: int,
           ideal: float) -> tuple[int, float]:
    """The cheapest start in ``lo..hi`` for a break, the one nearest ``ideal`` among the cheapest (a gown
    change near the middle of the stretch it cuts, not just after set-up), and its cost."""
    cost = away.costs(role, lo, hi, length, spare, present) + PREFER * np.abs(np.arange(lo, hi + 1) - ideal)
    i = int(np.argmin(cost))
    return lo + i, float(cost[i])


def _gears(r: LabourRules, away: _Away, role: Role, a: int, b: int, work_from: int, spare: int,
           present: int) -> list[tuple[int, int, str]]:
    """Gear changes in the stretch ``[a, b]`` (work from ``work_from``): each gown at most ``gown_max``, each
    stint at least ``min_stint``.  The fewest changes may leave little room to take turns; one or two more
    are taken when turns then cost the unit less."""
    fewest = gear_changes(r, b - a)
    if fewest == 0:
        return []
    best = None
    for k in range(fewest, fewest + 3):
        out, cost = _gear_times(r, away, role, a, b, work_from, spare, present, k)
        if out is not None and (best is None or cost < best[1]):
            best = (out, cost)
        # good enough: no desk lost that a spare could have covered, nobody of the role left alone
        unavoidable = k * r.gear * DESK if role == Role.sampler and spare <= 0 else 0
        if best is not None and best[1] <= unavoidable + k * r.gear * SPREAD * present + PREFER * (b - a) * k:
            break
    return best[0] if best is not None else [(-1, -1, "gear")]  # cannot be kept: reported by the caller


def _gear_times(r: LabourRules, away: _Away, role: Role, a: int, b: int, work_from: int, spare: int,
                present: int, k: int) -> tuple[list[tuple[int, int, str]] | None, float]:
    """``k`` gear changes in ``[a, b]``, each at its cheapest time, and their cost (None when they do not fit)."""
    out, prev, total = [], a, 0.0
    for j in range(k):
        rest = k - j - 1  # changes still to come after this one
        lo = max(prev + r.min_stint, work_from, b - r.gear - ((rest + 1) * r.gown_max + rest * r.gear))
        hi = min(prev + r.gown_max, b - r.gear - ((rest + 1) * r.min_stint + rest * r.gear))
        if hi < lo:
            return None, 0
        ideal = prev + (b - prev - (k - j) * r.gear) / (k - j + 1)  # the rest of the stretch in equal gowns
        t, cost = _place(away, role, lo, hi, r.gear, spare, present, ideal)
        out.append((t, t + r.gear, "gear"))
        total += cost
        prev = t + r.gear
    return out, total


def _meal_inside(r: LabourRules, away: _Away, role: Role, stays: list[Stay], spare_of, present: int):
    """The cheapest meal inside a stay's work, in a window, leaving stints of ``min_stint`` either side."""
    best = None
    for k, st in enumerate(stays):
        for w0, w1 in r.meal_windows(st.open, st.close):
            lo = max(w0, st.arrive + r.min_stint, st.open)
            hi = min(w1 - r.meal, st.close - r.min_stint - r.meal)
            if hi < lo:
                continue
            t, cost = _place(away, role, lo, hi, r.meal, spare_of(st), present, (w0 + w1 - r.meal) / 2)
            if best is None or cost < best[0]:
                best = (cost, k, t)
    return None if best is None else (best[1], best[2])


def group_day(r: LabourRules, group: Group, stays: list[Stay]) -> GroupDay:
    """Every member's shifts for one group's day of ``stays``.

    A day longer than one person may work is relieved: the group's members
    take turns in shifts (:func:`natplan.scheduler.relief.plan_relief`), and
    the day gets a note saying so.

    Parameters
    ----------
    r
        The labour rules.
    group
        The group, with its members.
    stays
        Its stays of one day, in time order, not overlapping.

    Returns
    -------
    GroupDay
        The shifts (member by member, in time order), an explanation for
        each rule that cannot be kept on these stays (a stay shorter than a
        stint, a day needing a meal with no meal window in it, a day over the
        longest work day that its members cannot relieve), and the notes of
        a relieved day.
    """
    stays = sorted(stays, key=lambda s: s.arrive)
    if not stays:
        return GroupDay([], [])
    problems: list[Explanation] = []
    for st in stays:
        if st.close - st.arrive < r.min_stint:
            problems.append(_explain("stint", group.id, st.unit, minutes=str(st.close - st.arrive),
                                     limit=str(r.min_stint)))
    base = list(problems)
    shifts = _crew_day(r, group.id, list(group.members), stays, problems)
    worked = max(_worked(shifts).values())
    if worked <= r.max_work:
        return GroupDay(shifts, problems)
    relief = plan_relief(r, group, stays)
    if isinstance(relief, Shortfall):
        problems.append(_cannot_relieve(r, group, stays[0].unit, worked, relief))
        return GroupDay(shifts, problems)
    problems = base
    t0 = min(c.stays[0].arrive - c.stays[0].travel for c in relief.crews)
    away = _Away(t0, stays[-1].close + r.meal + 1)
    shifts = []
    for crew in relief.crews:
        shifts += _crew_day(r, group.id, list(crew.members), list(crew.stays), problems, away)
    longest = max(_worked(shifts).values())
    if longest > r.max_work:  # the split's own check failed: a break moved a crew's day (not expected)
        problems.append(_cannot_relieve(r, group, stays[0].unit, longest, Shortfall(len(relief.crews) + 1, {})))
    return GroupDay(shifts, problems, [relief_note(r, group, stays, relief)])


def _worked(shifts: list[Shift]) -> dict[str, int]:
    """Minutes each member works (every shift but meals)."""
    out: dict[str, int] = defaultdict(int)
    for x in shifts:
        out[x.member] += 0 if x.kind == "meal" else x.end - x.start
    return out


def _crew_day(r: LabourRules, group: str, members: list[Member], stays: list[Stay], problems: list[Explanation],
              away: _Away | None = None) -> list[Shift]:
    """The shifts of ``members`` (all of a group, or one crew of a relieved day) working ``stays``: their gear
    changes and meal placed member by member, role by role, in turns (see the module docstring).  Rules that
    cannot be kept are added to ``problems``."""
    t0 = stays[0].arrive - stays[0].travel
    away = away or _Away(t0, stays[-1].close + r.meal + 1)
    role_size: dict[Role, int] = defaultdict(int)
    for m in members:
        role_size[m.role] += 1
    samplers = role_size[Role.sampler]

    def spare_of(st: Stay, role: Role = Role.sampler) -> int:
        return samplers - st.desks if role == Role.sampler else role_size[role] - 1

    span = stays[-1].close - t0
    need_meal = span > r.meal_after and r.meal > 0
    closing = need_meal and r.closing_meal(stays[-1].close)

    def breaks_of(role: Role) -> tuple[list[tuple[int, int, str]], bool]:
        """One member's breaks, each at its cheapest time given the others' (and whether a meal found room)."""
        present = role_size[role]
        breaks: list[tuple[int, int, str]] = []
        meal_at = None
        if need_meal and not closing:
            meal_at = _meal_inside(r, away, role, stays, lambda st: spare_of(st, role), present)
        for k, st in enumerate(stays):
            spare = spare_of(st, role)
            if meal_at is not None and meal_at[0] == k:
                t = meal_at[1]
                breaks += _gears(r, away, role, st.arrive, t, st.open, spare, present)
                breaks.append((t, t + r.meal, "meal"))
                breaks += _gears(r, away, role, t + r.meal, st.close, t + r.meal, spare, present)
            else:
                breaks += _gears(r, away, role, st.arrive, st.close, st.open, spare, present)
        return breaks, meal_at is not None or not need_meal or closing

    placed: dict[str, list[tuple[int, int, str]]] = {}
    for member in members:
        breaks, fed = breaks_of(member.role)
        if not fed and not any(p.code in ("labour_meal", "labour_meal_room") for p in problems):
            problems.append(_no_meal(r, group, stays, span))
        if any(a < 0 for a, _, _ in breaks):
            breaks = [b for b in breaks if b[0] >= 0]
            if not any(p.code == "labour_gown" for p in problems):
                problems.append(_explain("gown", group, stays[0].unit, limit=str(r.gown_max)))
        for a, b, _ in breaks:
            away.add(member.role, a, b)
        placed[member.name] = breaks
    for role in role_size:
        _take_turns(away, role, [m for m in members if m.role == role], placed, stays,
                    lambda st, role=role: spare_of(st, role), breaks_of)
    shifts: list[Shift] = []
    for member in members:
        mine = _member_shifts(group, member.name, member.role.value, stays, placed[member.name])
        if closing:
            mine.append(Shift(group=group, member=member.name, role=member.role.value, unit=stays[-1].unit,
                              start=stays[-1].close, end=stays[-1].close + r.meal, kind="meal"))
        shifts += mine
    return shifts


def _idle(away: _Away, role: Role, present: int, stays: list[Stay], spare_of) -> tuple[int, int]:
    """What the breaks of ``role`` cost the unit: the minutes in which nobody of the role is at work while a stay
    is open, then (samplers) the desk-minutes lost to breaks no spare covers."""
    alone = lost = 0
    for st in stays:
        n = away.count[role][st.open - away.t0:st.close - away.t0]
        if present > 1:
            alone += int((n >= present).sum())
        if role == Role.sampler:
            lost += int(np.maximum(0, n - max(0, spare_of(st))).sum())
    return alone, lost


def _take_turns(away: _Away, role: Role, members: list[Member], placed: dict, stays: list[Stay], spare_of,
                breaks_of, rounds: int = 4) -> None:
    """Breaks placed one member after another can leave minutes with nobody of the role at work that other
    turns avoid (the first meal in the middle of a short window leaves the second no room on either side).
    While there are such minutes, each member's breaks are placed again with everyone else's fixed and the new
    ones kept when they leave fewer such minutes, or as few and fewer desk-minutes lost; ``placed`` is updated."""
    present = len(members)
    if present < 2:
        return
    cost = _idle(away, role, present, stays, spare_of)
    for _ in range(rounds):
        if cost[0] == 0:
            return
        before = cost
        for m in members:
            old = placed[m.name]
            for a, b, _ in old:
                away.add(role, a, b, -1)
            new, fed = breaks_of(role)
            if fed and all(a >= 0 for a, _, _ in new):
                for a, b, _ in new:
                    away.add(role, a, b)
                after = _idle(away, role, present, stays, spare_of)
                if after < cost:
                    placed[m.name], cost = new, after
                    continue
                for a, b, _ in new:
                    away.add(role, a, b, -1)
            for a, b, _ in old:
                away.add(role, a, b)
        if cost >= before:
            return


def _member_shifts(group: str, member: str, role: str, stays: list[Stay],
                   breaks: list[tuple[int, int, str]]) -> list[Shift]:
    """A member's day as shifts: travel, set-up, work cut by the breaks."""
    out: list[Shift] = []

    def add(unit, a, b, kind):
        if b > a:
            out.append(Shift(group=group, member=member, role=role, unit=unit, start=a, end=b, kind=kind))

    breaks = sorted(breaks)
    for st in stays:
        add(None, st.arrive - st.travel, st.arrive, "travel")
        add(st.unit, st.arrive, st.open, "gear" if st.relieve else "setup")
        t = st.open
        for a, b, kind in breaks:
            if a < st.open or a >= st.close:
                continue
            add(st.unit, t, a, "work")
            add(st.unit, a, b, kind)
            t = b
        add(st.unit, t, st.close, "work")
    return out


WHY = {
    "stint": ("group {group} would work only {minutes} min at {unit}, less than the shortest stint of {limit} min",
              "let the group stay longer at {unit} or not go there (parameters.min_stint_min)"),
    "meal": ("group {group}'s day spans {span} h, but no meal window falls inside it for a meal",
             "move or widen parameters.meal_windows, or shorten the day"),
    "meal_room": ("group {group}'s day {start}–{end} spans {span} h and needs a {meal}-min meal in {windows}, but "
                  "none of its stays then leaves room for it between two stints of {stint} min",
                  "let the group stay {need} min or more at one unit inside a meal window, move or widen "
                  "parameters.meal_windows, or shorten the day"),
    "gown": ("group {group} cannot change gear in time at {unit}: a gown would be worn over {limit} min",
             "shorten the stays, or raise parameters.gear_change_interval_min"),
    "day": ("group {group} would work {hours} h in a day, more than the {limit} h a person may, and its members "
            "cannot relieve one another: {why}",
            "{give}add groups or samplers, allow more days (parameters.round_days), or a longer day "
            "(parameters.max_work_min)"),
}


def _explain(code: str, group: str, unit: str, **params: str) -> Explanation:
    """A labour rule that cannot be kept, in words (English here; ``code`` names it for other languages)."""
    params = {"group": group, "unit": unit, **params}
    problem, fix = WHY[code]
    return Explanation(where=group, problem=problem.format(**params), fix=fix.format(**params), code=f"labour_{code}",
                       params=params)


def _no_meal(r: LabourRules, group: str, stays: list[Stay], span: int) -> Explanation:
    """A day that needs a meal and has none: no meal window in it (``meal``), or windows in it but no stay then
    long enough to eat between two stints (``meal_room``)."""
    t0, t1 = stays[0].arrive - stays[0].travel, stays[-1].close
    windows = r.meal_windows(t0, t1)
    if not windows:
        return _explain("meal", group, stays[0].unit, span=f"{span / 60:.1f}")
    return _explain("meal_room", group, stays[0].unit, span=f"{span / 60:.1f}", start=hm(t0), end=hm(t1),
                    windows=", ".join(f"{hm(a)}–{hm(b)}" for a, b in windows), meal=str(r.meal),
                    stint=str(r.min_stint), need=str(r.meal + 2 * r.min_stint))


def _cannot_relieve(r: LabourRules, group: Group, unit: str, worked: int, short: Shortfall) -> Explanation:
    """A day over ``max_work_min`` that the group's members cannot relieve: the shifts it needs and the members
    lacking for them (in both languages: ``why``/``give`` and ``why_zh``/``give_zh``)."""
    if short.missing:
        need = {role: group.count(role) + n for role, n in short.missing.items()}  # every shift staffed
        why = (f"{short.shifts} shifts need {_and([_people(n, role) for role, n in need.items()])}, "
               f"it has {_and([_people(group.count(role), role) for role in need])}")
        why_zh = (f"分 {short.shifts} 班需要 " + "、".join(f"{n} 名{ROLE_ZH[role]}" for role, n in need.items())
                  + "，现有 " + "、".join(f"{group.count(role)} 名{ROLE_ZH[role]}" for role in need))
        give = f"give group {group.id} {_and([_people(n, role, 'more ') for role, n in short.missing.items()])}, "
        give_zh = f"为检测组 {group.id} 增加 " + "、".join(f"{n} 名{ROLE_ZH[role]}" for role, n in short.missing.items()) + "，"
    else:
        most = short.shifts - 1
        why = f"no split into {'2' if most <= 2 else f'2 to {most}'} shifts keeps each person's day within it"
        why_zh = f"分 {'2' if most <= 2 else f'2 至 {most}'} 班也不能让每人的工作时间不超过上限"
        give = give_zh = ""
    return _explain("day", group.id, unit, hours=f"{worked / 60:.1f}", limit=f"{r.max_work / 60:g}", why=why,
                    why_zh=why_zh, give=give, give_zh=give_zh)


def _people(n: int, role: Role, more: str = "") -> str:
    """``2 more samplers``, ``1 order keeper``."""
    return f"{n} {more}{role.value.replace('_', ' ')}{'s' if n != 1 else ''}"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def relief_note(r: LabourRules, group: Group, stays: list[Stay], relief: Relief) -> str:
    """A relieved day in words: ``group T1 第1组 is at work 07:00–19:10 (12.2 h), more than the 8 h a person may:
    its members work in 2 shifts, handing over at U1 13:10`` (a warning of the plan;
    :mod:`natplan.templates.messages` says it in Chinese)."""
    t0, t1 = stays[0].arrive - stays[0].travel, stays[-1].close
    at = ", ".join(f"{unit} {hm(h)}" for h, unit in relief.handovers)
    return (f"group {group.id} {group.name} is at work {hm(t0)}–{hm(t1)} ({(t1 - t0) / 60:.1f} h), more than the "
            f"{r.max_work / 60:g} h a person may: its members work in {len(relief.crews)} shifts, handing over at {at}")


def working_samplers(shifts: list[Shift], unit: str, t0: int, t1: int) -> np.ndarray:
    """Samplers at work at ``unit`` in each minute ``t0..t1-1`` (all groups there)."""
    n = np.zeros(max(0, t1 - t0), dtype=np.int64)
    for x in shifts:
        if x.unit == unit and x.kind == "work" and x.role == Role.sampler.value:
            a, b = max(x.start, t0), min(x.end, t1)
            if b > a:
                n[a - t0:b - t0] += 1
    return n
