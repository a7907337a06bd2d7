"""Rosters after a re-plan: every line before the cut as it was; after it, the old lines edited where a stay moved.

A unit's rate is its samplers' work minute by minute
(:func:`natplan.scheduler.rosters.working_samplers`), so the rosters are
edited, not made again: that keeps every gown, stint and meal already
worked, and changes a person's day only where the re-plan changes it.

- **A member who left** has no line after leaving.
- **A stay that ends sooner** (its unit closed) ends sooner for each member;
  **one that ends later** goes on working; **a later stay that moves** moves
  whole (travel, set-up, work and breaks); **a stay dropped** (its unit
  closed before it opened) is left out.
- Then each person's day is put back within the labour rules
  (:class:`natplan.scheduler.labour.LabourRules`) after the cut: a gown worn
  too long gets a gear change (staggered by the person's place in their role,
  so that not every sampler is away at once), a stint too short is joined to
  the one before or worked a little longer, a day that now needs a meal gets
  one inside a meal window (at the end of the day when it ends in one), and a
  day longer than the longest work day is a problem.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from natplan.models.clock import format_clock as hm
from natplan.models.plan import Explanation, Shift, Visit
from natplan.scheduler.labour import LabourRules

GOWNED = ("setup", "work")
STAGGER_MIN = 5  # minutes between the same break of two people of one role


@dataclass(frozen=True)
class Edited:
    """The rosters after the edits, and what the labour rules could not keep."""

    shifts: list[Shift]
    problems: list[Explanation]


def joined(lines: list[Shift]) -> list[Shift]:
    """One person's lines in time order, a line that continues the one before (same unit and kind) joined to it."""
    out: list[Shift] = []
    for x in lines:
        if out and out[-1].end == x.start and (out[-1].unit, out[-1].kind) == (x.unit, x.kind):
            out[-1] = out[-1].model_copy(update={"end": x.end})
        else:
            out.append(x)
    return out


def cut_at(shifts: list[Shift], minute: int) -> list[Shift]:
    """The lines before ``minute`` (one running then ends then)."""
    return [x if x.end <= minute else x.model_copy(update={"end": minute}) for x in shifts if x.start < minute]


def stretches(shifts: list[Shift]) -> list[tuple[int, int, str]]:
    """Stretches in one gown: ``(start, end, unit)`` of consecutive set-up and work lines at one unit."""
    out: list[list] = []
    for x in sorted(shifts, key=lambda x: x.start):
        if x.kind not in GOWNED:
            continue
        if out and out[-1][1] == x.start and out[-1][2] == x.unit:
            out[-1][1] = x.end
        else:
            out.append([x.start, x.end, x.unit])
    return [(a, b, u) for a, b, u in out]


def _stay_lines(mine: list[Shift], old: Visit, nxt: Visit | None) -> list[Shift]:
    """A member's lines of one stay: the trip to it, set-up, work and breaks, and a meal that closes it."""
    end = float("inf") if nxt is None else nxt.arrive
    return [x for x in mine if (x.unit == old.unit and old.arrive <= x.start < end)
            or (x.kind == "travel" and x.end == old.arrive)]


def _moved(lines: list[Shift], old: Visit, new: Visit | None) -> list[Shift]:
    """A stay's lines for its new times: dropped, moved whole, then ended sooner or worked on later."""
    if new is None:
        return []
    delta = new.arrive - old.arrive
    lines = [x.model_copy(update={"start": x.start + delta, "end": x.end + delta}) for x in lines] if delta else lines
    close = old.close + delta
    meal = [x for x in lines if x.kind == "meal" and x.start >= close]  # a meal that closed the day
    lines = [x for x in lines if x not in meal]
    if new.close < close:
        lines = cut_at(lines, new.close)
    elif new.close > close:
        last = max((x for x in lines if x.unit == new.unit), key=lambda x: x.end, default=None)
        if last is not None:
            lines.append(last.model_copy(update={"start": close, "end": new.close, "kind": "work"}))
    return lines


class _Person:
    """One person's lines after the cut, put back within the labour rules."""

    def __init__(self, r: LabourRules, lines: list[Shift], cut: int, rank: int):
        self.r, self.cut, self.rank = r, cut, rank
        self.lines = joined(sorted(lines, key=lambda x: x.start))

    def _carve(self, a: int, b: int, kind: str) -> bool:
        """A break [a, b) cut out of a work line that holds it."""
        for k, x in enumerate(self.lines):
            if x.kind == "work" and x.start <= a and b <= x.end:
                parts = [x.model_copy(update={"end": a})] if a > x.start else []
                parts.append(x.model_copy(update={"start": a, "end": b, "kind": kind}))
                parts += [x.model_copy(update={"start": b})] if b < x.end else []
                self.lines[k:k + 1] = parts
                return True
        return False

    def gowns(self) -> None:
        """A gear change in every gown worn too long after the cut."""
        r = self.r
        for a, b, _ in stretches(self.lines):
            t = a
            while b - t > r.gown_max and b > self.cut:
                latest = min(t + r.gown_max, b - r.min_stint - r.gear)
                start = max(latest - self.rank * (r.gear + STAGGER_MIN), t + r.min_stint, self.cut)
                if start > latest or not self._carve(start, start + r.gear, "gear"):
                    break
                t = start + r.gear

    def stints(self) -> int:
        """Stints too short after the cut joined to the one before, or worked longer; the new end of work."""
        r = self.r
        for a, b, unit in stretches(self.lines):
            if b - a >= r.min_stint or b <= self.cut:
                continue
            gap = [x for x in self.lines if x.kind == "gear" and x.end == a and x.unit == unit]
            before = [(c, d) for c, d, u in stretches(self.lines) if d == a - r.gear and u == unit]
            if gap and before and b - before[0][0] <= r.gown_max:
                self.lines = [x.model_copy(update={"kind": "work"}) if x is gap[0] else x for x in self.lines]
            else:
                last = max((x for x in self.lines if x.unit == unit and x.end == b), key=lambda x: x.start)
                self.lines.append(last.model_copy(update={"start": b, "end": a + r.min_stint, "kind": "work"}))
                self.lines.sort(key=lambda x: x.start)
        return max((x.end for x in self.lines if x.kind == "work"), default=0)

    def meal(self) -> bool:
        """A meal inside a window when the day now spans longer than a meal is due; False when none fits."""
        r = self.r
        duty = [x for x in self.lines if x.kind != "meal"]
        if not duty or r.meal <= 0:
            return True
        first, last = duty[0].start, max(x.end for x in duty)
        windows = r.meal_windows(first, last + r.meal)
        if last - first <= r.meal_after or any(
                x.kind == "meal" and x.end - x.start >= r.meal and x.start <= last
                and any(a <= x.start and x.end <= b for a, b in windows) for x in self.lines):
            return True
        if last > self.cut and r.closing_meal(last):
            unit = max(duty, key=lambda x: x.end).unit
            self.lines.append(duty[-1].model_copy(update={"unit": unit, "start": last, "end": last + r.meal,
                                                          "kind": "meal"}))
            return True
        for a, b in windows:
            lo = max(a, self.cut)
            t = lo + self.rank * (r.meal + STAGGER_MIN)  # one after another, by their place in their role
            for start in sorted(range(lo, b - r.meal + 1, STAGGER_MIN), key=lambda x: (abs(x - t), x)):
                if self._carve(start, start + r.meal, "meal"):
                    return True
        return False

    def worked(self) -> int:
        return sum(x.end - x.start for x in self.lines if x.kind != "meal")


def edit_rosters(r: LabourRules, shifts: list[Shift], old: list[Visit], new: list[Visit],
                 left: dict[tuple[str, str], int], cut: int, roles: dict[tuple[str, str], int]) -> Edited:
    """Every person's lines after the re-plan (see the module docstring).

    Parameters
    ----------
    r
        The labour rules.
    shifts
        The plan's rosters.
    old, new
        The plan's visits and the re-plan's (a group's visits to one unit matched in time order; a visit missing
        from ``new`` is dropped).
    left
        When each member who left did, by (group, member).
    cut
        The re-plan's time: nothing before it changes.
    roles
        Each person's place among the members of their role in their group (staggers their breaks).

    Returns
    -------
    Edited
        The rosters, in the plan's order, and each labour rule a person's day cannot keep.
    """
    old_by, new_by = defaultdict(list), defaultdict(list)
    for v in old:
        old_by[v.group].append(v)
    for v in new:
        new_by[v.group].append(v)
    people = defaultdict(list)
    for x in shifts:
        people[(x.group, x.member)].append(x)
    out, problems = [], []
    for (group, member), mine in people.items():
        was = sorted(old_by[group], key=lambda v: v.arrive)
        now = {}
        for v in sorted(new_by[group], key=lambda v: v.arrive):
            now.setdefault(v.unit, []).append(v)
        changed = (group, member) in left or was != sorted(new_by[group], key=lambda v: v.arrive)
        if not changed:
            out += mine
            continue
        lines = []
        seen: dict[str, int] = defaultdict(int)
        for k, v in enumerate(was):
            match = now.get(v.unit, [])
            target = match[seen[v.unit]] if seen[v.unit] < len(match) else None
            seen[v.unit] += 1
            lines += _moved(_stay_lines(mine, v, was[k + 1] if k + 1 < len(was) else None), v, target)
        if (group, member) in left:
            lines = leave(r, lines, left[(group, member)])
        person = _Person(r, lines, cut, roles.get((group, member), 0))
        fed = person.meal()
        person.gowns()
        person.stints()
        if (group, member) in left:  # nothing the rules add (a stint worked longer) outlasts their leaving
            person.lines = leave(r, person.lines, left[(group, member)])
        if not fed:
            problems.append(Explanation(where=group, problem=f"{member} ({group}) works past {hm(cut)} with no meal "
                                        f"window left in the day", fix="end the day sooner, or send another group"))
        if person.worked() > r.max_work:
            problems.append(Explanation(where=group, problem=f"{member} ({group}) would work "
                                        f"{person.worked() / 60:.1f} h, more than the {r.max_work / 60:g} h allowed",
                                        fix=f"send another group to relieve {group}"))
        out += joined(sorted(person.lines, key=lambda x: x.start))
    return Edited(sorted(out, key=lambda x: (x.group, x.member, x.start)), problems)


def leave(r: LabourRules, lines: list[Shift], at: int) -> list[Shift]:
    """A member's lines until they left (a stint they leave in ends then, however short: ``natplan verify``
    excuses it, :func:`natplan.scheduler.verify.replan.excused`)."""
    return cut_at(lines, at)


def roles_rank(groups) -> dict[tuple[str, str], int]:
    """Each member's place among the members of their role in their group."""
    out = {}
    for g in groups:
        seen: dict[str, int] = defaultdict(int)
        for m in g.members:
            out[(g.id, m.name)] = seen[m.role]
            seen[m.role] += 1
    return out
