"""Re-plan the walk-in people after events: who is now sampled where and when, and the rosters that do it.

Slots that start before the cut plus the notice time stay (their people
were told; they are coming), except at a unit that closes: from its closing
time it calls nobody (a slot running then is cut, by households), and the
people it would have called are *pieces* to place again.  The rest of the
day changes only where it must:

- **unit_closed** — its pieces come back when it reopens, if its groups can
  sample them there in time; otherwise, or if it never reopens, they move.
- **group_short** — the members leave the rosters, so the group's units swab
  at what the samplers left give (a unit's rate is its samplers at work);
  their slots after the notice time are planned again at that rate, and a
  group's later stays move as late as they must.
- **more_people** — the new people (in new households numbered after the
  grid's last) get slots after the last slot of the grid's own unit.

Whatever cannot be sampled where it is — by the deadline, before the group
must leave for its next unit, within a person's longest work day — moves,
in the order it was called, to the nearest unit within walking distance
whose groups are there at or after the cut and can take it after its own
slots; a piece is split by households when no unit takes it whole.  Grids
whose people moved get their parts (household ranges by unit) anew.

The rosters are then edited for the new closings
(:mod:`natplan.scheduler.replan.rosters`), each changed unit's day worked
out again from them, and a unit still swabbing when its groups leave keeps
them longer, until the closings stop moving.  What finds no unit is a
problem with its fix; the round cannot be re-planned without it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, replace

import numpy as np

from natplan.models.clock import format_clock as hm
from natplan.models.events import Events, GroupShort, MorePeople, UnitClosed
from natplan.models.plan import Explanation, GridPart, Plan, Shift, Slot, UnitDay, Visit
from natplan.models.replan import RateChange
from natplan.models.scenario import Role, Scenario
from natplan.routing.couriers import UnitService
from natplan.routing.network import haversine_m, van_minutes
from natplan.scheduler.joint.structure import mark_up
from natplan.scheduler.labour import LabourRules
from natplan.scheduler.replan.rosters import edit_rosters, leave, roles_rank
from natplan.scheduler.replan.timeline import UnitWork, extend, rate, trace, unit_day_of
from natplan.scheduler.slots import pauses_of

ROUNDS = 6  # closings settle within a few rounds of rosters and days (as in the pipeline)


@dataclass(frozen=True)
class Piece:
    """People of one grid, a household range, to be given a slot (again)."""

    grid: str
    part: int
    households: tuple[int, int]
    people: int
    called: int  # when they were called (or the event that found them): pieces move in this order
    origin: str  # the unit that called them, "" for people the ledger did not have

    def as_part(self, unit: str) -> GridPart:
        return GridPart(grid=self.grid, part=self.part, parts=1, households=self.households, people=self.people,
                        unit=unit, distance_m=0.0)


def piece_of(x: Slot) -> Piece:
    return Piece(x.grid, x.part, x.households, x.people, x.start, x.unit)


def split(piece: Piece, people: int) -> tuple[Piece, Piece] | None:
    """The first ``people`` of a piece and the rest, cut between households; None when it has one household."""
    a, b = piece.households
    if b <= a:
        return None
    take = max(1, min(b - a, round((b - a + 1) * people / piece.people)))
    return (replace(piece, households=(a, a + take - 1), people=people),
            replace(piece, households=(a + take, b), people=piece.people - people))


def cut_slot(x: Slot, minute: int) -> tuple[Slot | None, Piece | None]:
    """A slot running when its unit closes: the people who came before ``minute`` stay, the rest are a piece."""
    kept = round(x.people * (minute - x.start) / (x.end - x.start))
    if kept <= 0:
        return None, piece_of(x)
    if kept >= x.people:
        return x, None
    halves = split(piece_of(x), kept)
    if halves is None:  # one household: it was let in
        return x, None
    head, tail = halves
    return x.model_copy(update={"end": minute, "people": head.people, "households": head.households}), tail


def take(pieces: list[Piece], people: int) -> tuple[list[Piece], list[Piece]]:
    """The first ``people`` of ``pieces`` (a piece of one household is not split) and the rest."""
    head, rest = [], []
    for k, pc in enumerate(pieces):
        if people <= 0:
            rest = pieces[k:]
            break
        if pc.people <= people:
            head.append(pc)
            people -= pc.people
            continue
        halves = split(pc, people)
        if halves is None:
            rest = pieces[k:]
        else:
            head.append(halves[0])
            rest = [halves[1], *pieces[k + 1:]]
        break
    return head, rest


@dataclass(frozen=True)
class WalkIns:
    """The walk-in part of a re-plan: who is sampled where and when, and the rosters that do it."""

    assignment_parts: list[GridPart]
    slots: list[Slot]
    units: list[UnitDay]
    visits: list[Visit]
    shifts: list[Shift]
    service: dict[str, UnitService]  # every unit the plan had open: its swabs by minute, for the couriers
    changed: set[str]  # units whose day changed
    rates: list[RateChange]
    works: dict[str, UnitWork]
    problems: list[Explanation]
    notes: list[str]


class _Repair:
    """The state of one walk-in re-plan (see the module docstring)."""

    def __init__(self, s: Scenario, plan: Plan, events: Events, before: list = ()):
        self.s, self.plan, self.events = s, plan, events
        p = s.parameters
        self.p = p
        self.tp = float(p.throughput_per_desk_per_hour)
        self.setup = p.setup_min
        self.rules = LabourRules.of(p)
        self.cut = events.cut
        self.resume = self.cut + events.notice_min
        self.left = {(e.group, name): e.at for e in [*before, *events.events] if isinstance(e, GroupShort)
                     for name in e.members}
        self.shifts = self._without_leavers(plan.staffing.shifts)
        self.groups = {g.id: g for g in s.groups}
        by_unit = defaultdict(list)
        for x in plan.slots:
            by_unit[x.unit].append(x)
        visits = defaultdict(list)
        for v in plan.staffing.visits:
            visits[v.unit].append(v)
        self.works = {u.id: UnitWork(u, sorted(visits[u.id], key=lambda v: (v.open, v.group)), list(by_unit[u.id]),
                                     0.0) for u in s.units}
        for w in self.works.values():
            w.steady = self.steady(w)
        for e in before:  # a unit an earlier re-plan closed stays closed (its slots were moved then)
            if isinstance(e, UnitClosed):
                self.works[e.unit].closed.append((e.at, e.until))
        self.pending: dict[str, list[Piece]] = defaultdict(list)
        self.not_before: dict[str, int] = {}
        self.displaced: list[Piece] = []
        self.short: set[str] = set()
        self.rate_changes: list[RateChange] = []
        self.problems: list[Explanation] = []
        self.notes: list[str] = []
        self.grids = {g.id: g for g in s.grids()}
        self.index = {u.id: k + 1 for k, u in enumerate(s.units)}
        lon = [s.station.location.lon] + [u.location.lon for u in s.units]
        lat = [s.station.location.lat] + [u.location.lat for u in s.units]
        self.travel = np.ceil(van_minutes(s, lon, lat)).astype(int)

    def _gone(self, who: tuple[str, str], by: int | None) -> bool:
        """``who`` (group, member) has left: at all, or (``by`` given) at or before minute ``by``."""
        return who in self.left and (by is None or self.left[who] <= by)

    def _without_leavers(self, shifts: list[Shift], by: int | None = None) -> list[Shift]:
        """The rosters with the members who left (at or before ``by``, when given) cut when they left."""
        out, people = [], defaultdict(list)
        for x in shifts:
            (people[(x.group, x.member)] if self._gone((x.group, x.member), by) else out).append(x)
        for who, lines in people.items():
            out += leave(self.rules, lines, self.left[who])
        return out

    def samplers(self, group: str, by: int | None = None) -> int:
        """The group's samplers who have not left (by minute ``by``, when given)."""
        g = self.groups[group]
        return sum(1 for m in g.members if m.role == Role.sampler and not self._gone((g.id, m.name), by))

    def steady(self, w: UnitWork) -> float:
        """People a minute the unit's last groups swab with every sampler left at work."""
        if not w.visits:
            return 0.0
        desks = sum(min(v.desks or w.unit.desks, self.samplers(v.group)) for v in w.last())
        return self.tp / 60 * min(w.unit.desks, desks)

    def trace(self, w: UnitWork, slots: list[Slot] | None = None, projected: bool = True):
        if slots is not None:
            w = replace(w, slots=slots)
        return trace(w, self.shifts, self.tp, self.setup, projected)

    # ------------------------------------------------------------------ events
    def wait(self, unit: str, minute: int, pieces: list[Piece], front: bool = False) -> None:
        self.pending[unit] = pieces + self.pending[unit] if front else self.pending[unit] + pieces
        self.not_before[unit] = max(self.not_before.get(unit, self.resume), minute)

    def close_unit(self, e: UnitClosed) -> None:
        w = self.works[e.unit]
        w.closed.append((e.at, e.until))
        if not w.visits:
            self.notes.append(f"unit {e.unit} is not open in the plan; closing it changes nothing")
            return
        kept, moved = [], []
        for x in w.slots:
            if x.end <= e.at:
                kept.append(x)
            elif x.start >= e.at:
                moved.append(piece_of(x))
            else:
                head, tail = cut_slot(x, e.at)
                kept += [head] if head else []
                moved += [tail] if tail else []
        if not moved:
            self.notes.append(f"unit {e.unit} has called everyone by {hm(e.at)}; closing it changes no slot")
            return
        w.slots, w.changed = kept, True
        if e.until is not None and e.until < self.p.deadline:
            self.wait(e.unit, max(e.until, self.resume), moved)
        else:
            self.displaced += moved

    def lose_members(self, e: GroupShort) -> None:
        g = self.groups[e.group]
        left = self.samplers(g.id, e.at)
        if left == 0:
            self.problems.append(Explanation(
                where=g.id, problem=f"group {g.id} {g.name} has no sampler left from {hm(e.at)}",
                fix=f"send a sampler to group {g.id}, or close its units from {hm(e.at)} (unit_closed events) "
                    f"so that their people go to other units"))
            return
        frm = max(self.resume, e.at)
        for w in sorted(self.works.values(), key=lambda w: w.open if w.visits else 0):
            if not any(v.group == g.id and v.close > e.at for v in w.visits):
                continue
            # the unit with the members who left before this event, and with those who left by its time
            before = trace(w, self._without_leavers(self.plan.staffing.shifts, e.at - 1), self.tp, self.setup)
            after = trace(w, self._without_leavers(self.plan.staffing.shifts, e.at), self.tp, self.setup)
            if after.finish == before.finish:
                continue  # the samplers left still work every desk
            desks = min(w.unit.desks, sum(min(v.desks or w.unit.desks, self.samplers(v.group, e.at))
                                          for v in w.visits if v.close > e.at))
            change = RateChange(unit=w.unit.id, group=g.id, start=max(e.at, w.open),
                                rate_per_hour=round(self.tp * desks, 3))
            if change not in self.rate_changes:  # two events of one group at one time: one change
                self.rate_changes.append(change)
            w.changed = True
            self.short.add(g.id)
            moving = [piece_of(x) for x in w.slots if x.start >= frm]
            w.slots = [x for x in w.slots if x.start < frm]
            self.wait(w.unit.id, frm, moving, front=True)

    def more_people(self, e: MorePeople, households: tuple[int, int]) -> None:
        piece = Piece(e.grid, 0, households, e.people, e.at, "")
        own = [x for x in self.plan.slots if x.grid == e.grid]
        home = max(own, key=lambda x: (x.households[1], x.start)).unit if own else None
        w = self.works.get(home) if home else None
        if w is not None and self.receives(w):
            self.wait(home, self.resume, [piece])
        else:
            self.displaced.append(piece)

    # --------------------------------------------------------------- placing
    def receives(self, w: UnitWork) -> bool:
        """A unit can take more people: its groups are there at or after the cut, it does not close, and they may
        work there at least a stint more (before their next unit, the deadline, their longest day)."""
        if not w.visits or w.close < self.cut or w.closed:
            return False
        done = self.trace(w).finish
        busy = math.ceil(done) if math.isfinite(done) else w.close
        return self.limit(w) - max(busy, self.resume) >= self.rules.min_stint

    def next_stay(self, v: Visit) -> Visit | None:
        later = [x for w in self.works.values() for x in w.visits if x.group == v.group and x.arrive > v.arrive]
        return min(later, key=lambda x: x.arrive) if later else None

    def drive(self, a: str, b: str) -> int:
        return int(self.travel[self.index[a], self.index[b]])

    def worked(self, group: str) -> int:
        """Minutes the busiest member of a group works in the plan (its day, meals not counted)."""
        per = defaultdict(int)
        for x in self.shifts:
            if x.group == group and x.kind != "meal":
                per[x.member] += x.end - x.start
        return max(per.values(), default=0)

    def limit(self, w: UnitWork, push_next: bool = False) -> int:
        """Latest the unit's last groups may finish there: the deadline, the unit's window, each group's next
        unit and its members' longest work day."""
        out = min(self.p.deadline, self.s.unit_window(w.unit)[1])
        for v in w.last():
            nxt = self.next_stay(v)
            if nxt is not None and not push_next:
                out = min(out, nxt.arrive - self.drive(w.unit.id, nxt.unit))
            out = min(out, v.close + self.rules.max_work - self.worked(v.group))
        return out

    def finish_with(self, w: UnitWork, pieces: list[Piece], not_before: int) -> tuple[list[Slot], int]:
        new = extend(w, [pc.as_part(w.unit.id) for pc in pieces], not_before, self.p.slot_min, self.shifts, self.tp,
                     self.setup) if pieces else []
        finish = self.trace(w, w.slots + new).finish
        return new, math.ceil(finish - 1e-9) if math.isfinite(finish) else 10**9

    def fit(self, w: UnitWork, pieces: list[Piece], not_before: int, limit: int) -> tuple[list[Piece], list[Slot]]:
        """The most of ``pieces`` (in order) the unit can sample by ``limit``, and their slots."""
        new, end = self.finish_with(w, pieces, not_before)
        if end <= limit:
            return pieces, new
        lo, hi, best = 0, sum(pc.people for pc in pieces), ([], [])
        while lo < hi:  # the most people (a prefix of the pieces) that still finish by the limit
            mid = (lo + hi + 1) // 2
            head, _ = take(pieces, mid)
            new, end = self.finish_with(w, head, not_before)
            if end <= limit:
                lo, best = mid, (head, new)
            else:
                hi = mid - 1
        return best

    def settle(self, w: UnitWork, push_next: bool) -> None:
        """Slot the unit's pending pieces; what does not fit is displaced; the day closes at the finish."""
        pieces = self.pending.pop(w.unit.id, [])
        if pieces:
            nb = self.not_before.get(w.unit.id, self.resume)
            placed, new = self.fit(w, pieces, nb, self.limit(w, push_next))
            w.give(placed, nb, new)
            _, rest = take(pieces, sum(pc.people for pc in placed))
            self.displaced += rest
        self.close_when_done(w)

    def close_when_done(self, w: UnitWork) -> None:
        if not w.slots:
            w.visits = []
            return
        end = math.ceil(self.trace(w).finish - 1e-9)
        w.close_at(end if w.closed else max(end, w.close))

    def shift(self, w: UnitWork, v: Visit, earliest: int) -> None:
        """Move a later stay of a short group so that it starts when the group can be there."""
        arrive = mark_up(earliest, self.setup)
        delta = arrive - v.arrive
        moving = [piece_of(x) for x in w.slots if x.start >= self.resume]
        if len(moving) < len(w.slots) and len(w.visits) == 1:
            self.problems.append(Explanation(
                where=w.unit.id, problem=f"group {v.group} reaches {w.unit.id} at {hm(arrive)}, after slots already "
                f"announced there", fix=f"send another group to {w.unit.id} by {hm(v.arrive)}"))
        w.visits = [x.model_copy(update={"arrive": x.arrive + delta, "open": x.open + delta, "close": x.close + delta,
                                         "leave": x.leave + delta}) if x == v else x for x in w.visits]
        if len(w.visits) == 1:
            w.slots = [x for x in w.slots if x.start < self.resume]
            self.wait(w.unit.id, w.open, moving, front=True)
        w.changed = True

    def place_pending(self) -> None:
        """Each group's units in visiting order: a short group's later stays move as late as they must."""
        for g in self.s.groups:
            mine = sorted(((w, v) for w in self.works.values() for v in w.visits if v.group == g.id),
                          key=lambda wv: wv[1].arrive)
            before = None
            for w, v in mine:
                v = next((x for x in w.visits if x.group == g.id and x.unit == v.unit), v)
                if before is not None and g.id in self.short:
                    earliest = before.close + self.drive(before.unit, v.unit)
                    if v.arrive < earliest:
                        self.shift(w, v, earliest)
                if w.changed or w.unit.id in self.pending:
                    w.changed = True
                    self.settle(w, push_next=g.id in self.short)
                before = next((x for x in w.visits if x.group == g.id), None)

    def distance(self, grid: str, unit: str) -> float:
        g, u = self.grids[grid], self.works[unit].unit
        return float(haversine_m(g.location.lon, g.location.lat, u.location.lon, u.location.lat)) \
            * self.p.detour_factor

    def candidates(self, grid: str) -> list[UnitWork]:
        g = self.grids[grid]
        out = []
        for w in self.works.values():
            u = w.unit
            if not self.receives(w) or (g.pinned_unit is not None and g.pinned_unit != u.id):
                continue
            if u.allowed_grids is not None and grid not in u.allowed_grids:
                continue
            if self.distance(grid, u.id) <= self.p.max_walk_m:
                out.append(w)
        return sorted(out, key=lambda w: (self.distance(grid, w.unit.id), w.unit.id))

    def move(self) -> list[Piece]:
        """Each displaced piece to the nearest unit that takes it whole, else to the one that takes the most."""
        lost = []
        for piece in sorted(self.displaced, key=lambda pc: (pc.called, pc.grid, pc.households)):
            rest = [piece]
            while rest:
                best = None
                for w in self.candidates(piece.grid):
                    placed, new = self.fit(w, rest, self.resume, self.limit(w))
                    n = sum(pc.people for pc in placed)
                    if best is None or n > best[0]:
                        best = (n, w, new)
                    if n == rest[0].people:
                        break
                if best is None or best[0] == 0:
                    lost += rest
                    break
                n, w, new = best
                placed, rest = take(rest, n)
                w.give(placed, self.resume, new)
                w.changed = True
                self.close_when_done(w)
        self.displaced = []
        return lost

    def explain_lost(self, lost: list[Piece]) -> None:
        p = self.p
        by_origin = defaultdict(list)
        for pc in lost:
            by_origin[pc.origin].append(pc)
        for origin, pcs in by_origin.items():
            people = sum(pc.people for pc in pcs)
            grids = ", ".join(sorted({pc.grid for pc in pcs}))
            rates = [w.steady for w in self.works.values() if w.visits] or [1.0]
            later = p.deadline + math.ceil(people / max(max(rates), 1e-9))
            where = f"called to {origin}" if origin else "not on the ledger"
            fix = (f"move the deadline to {hm(later)}, or send a group to open a unit within {p.max_walk_m:,} m "
                   f"of {grids}")
            w = self.works.get(origin)
            if w is not None and w.visits and w.steady > 0:
                latest = p.deadline - math.ceil(people / w.steady)
                if latest > self.resume:
                    fix = f"reopen {origin} by {hm(latest)}, or " + fix
            self.problems.append(Explanation(
                where=origin or pcs[0].grid,
                problem=f"{people} people of grid(s) {grids} ({where}) have no unit within {p.max_walk_m:,} m "
                        f"that can sample them by {hm(p.deadline)}", fix=fix))

    # --------------------------------------------------------------- rosters
    def rosters(self) -> None:
        """Rosters for the new stays, each changed unit's day from them, closings moved until they settle: a unit
        still swabbing when its rosters end keeps its groups until it is done (at their steady rate)."""
        ranks = roles_rank(self.s.groups)
        changed = [w for w in self.works.values() if w.changed and w.visits]
        for _ in range(ROUNDS):
            visits = [v for w in self.works.values() for v in w.visits]
            edited = edit_rosters(self.rules, self.plan.staffing.shifts, self.plan.staffing.visits, visits,
                                  self.left, self.cut, ranks)
            self.shifts = edited.shifts
            moved = False
            for w in changed:
                if w.batches:  # the people it was given, slotted again at its rate on these rosters
                    w.slots = list(w.kept)
                    for pieces, nb in w.batches:
                        w.slots += extend(w, [pc.as_part(w.unit.id) for pc in pieces], nb, self.p.slot_min,
                                          self.shifts, self.tp, self.setup)
                work_end = max((x.end for x in self.shifts if x.unit == w.unit.id and x.kind == "work"),
                               default=w.close)
                done = self.trace(w, projected=False).finish
                if not math.isfinite(done) or math.ceil(done - 1e-9) > w.close:
                    done = self.trace(w).finish  # its groups stay on
                end = math.ceil(done - 1e-9)
                want = end if w.closed else max(end, w.close)
                want = max(want, work_end)
                if want != w.close:
                    w.close_at(want)
                    moved = True
            if not moved:
                break
        self.problems += [e for e in edited.problems if e not in self.problems]
        self.explain_late(changed)

    def explain_late(self, changed: list[UnitWork]) -> None:
        """A unit the rosters now make finish after its last minute (the breaks of the samplers a group has left
        stop it: nobody relieves them), when in the plan it finished in time: a problem, with what fixes it."""
        was = {d.unit: d.finish for d in self.plan.units}
        for w in changed:
            end = min(self.p.deadline, self.s.unit_window(w.unit)[1])
            done = self.trace(w, projected=False).finish
            if not math.isfinite(done) or done <= end + 1e-9 or was.get(w.unit.id, 0.0) > end + 1e-9:
                continue
            t0, mu = rate(w, self.shifts, self.tp, self.setup)
            paused = sum(b - a for a, b in pauses_of([(v.open, v.close) for v in w.visits], mu, t0))
            why = f" (nobody samples there for {paused} min while its samplers take the breaks the rules force)" \
                if paused else ""
            groups = ", ".join(dict.fromkeys(v.group for v in w.last()))
            last = hm(math.ceil(done))
            later = f"move the deadline to {last}" if end == self.p.deadline else f"keep {w.unit.id} open till {last}"
            self.problems.append(Explanation(
                where=w.unit.id, problem=f"unit {w.unit.id} would sample its last person at {last}, after "
                                         f"{hm(end)}{why}", fix=f"send a sampler to group {groups}, or {later}"))

    # -------------------------------------------------------------- results
    def rebuild(self) -> WalkIns:
        touched = {x.grid for w in self.works.values() if w.changed for x in w.slots}
        touched |= {x.grid for x in self.plan.slots if self.works[x.unit].changed}
        slots = []
        for u in self.s.units:
            w = self.works[u.id]
            slots += sorted(w.slots, key=lambda x: x.start) if w.changed else w.slots
        parts, renumber = self.parts(touched, slots)
        slots = [x.model_copy(update={"part": renumber[id(x)]}) if id(x) in renumber else x for x in slots]
        old_days = {d.unit: d for d in self.plan.units}
        days, service = [], {}
        for u in self.s.units:
            w = self.works[u.id]
            if u.id not in old_days and not w.visits:
                continue
            if not w.visits:  # no longer opens: kept for the couriers with no swabs
                d = old_days[u.id]
                service[u.id] = UnitService(u.id, d.open, float(d.open), d.open, np.zeros(1))
                continue
            shifts = self.shifts if w.changed else self.plan.staffing.shifts
            day = unit_day_of(w, shifts, self.tp, self.setup)
            days.append(day.day if w.changed else old_days[u.id])
            service[u.id] = UnitService(u.id, day.day.open, day.day.finish, day.t0, day.curve)
            if w.changed and not math.isfinite(day.day.finish):
                self.problems.append(Explanation(where=u.id, problem=f"unit {u.id} cannot sample everyone it calls",
                                                 fix="send another group there"))
        visits = sorted((v for w in self.works.values() for v in w.visits), key=lambda v: (v.group, v.arrive))
        changed = {uid for uid, w in self.works.items() if w.changed}
        return WalkIns(parts, slots, days, visits, self.shifts, service, changed, self.rate_changes, self.works,
                       self.problems, self.notes)

    def parts(self, touched: set[str], slots: list[Slot]) -> tuple[list[GridPart], dict[int, int]]:
        """Grid parts: untouched grids keep theirs; a touched grid's slots in household order, one part per run
        at one unit.  Returns the parts (in the plan's grid order) and the new part number of each touched slot."""
        by_grid = defaultdict(list)
        for x in slots:
            if x.grid in touched:
                by_grid[x.grid].append(x)
        renumber: dict[int, int] = {}
        new_parts: dict[str, list[GridPart]] = {}
        for gid, xs in by_grid.items():
            xs.sort(key=lambda x: (x.households[0], x.households[1], x.start))
            runs: list[list[Slot]] = []
            for x in xs:
                if runs and runs[-1][-1].unit == x.unit:
                    runs[-1].append(x)
                else:
                    runs.append([x])
            out = []
            for k, run in enumerate(runs, 1):
                for x in run:
                    renumber[id(x)] = k
                out.append(GridPart(grid=gid, part=k, parts=len(runs),
                                    households=(min(x.households[0] for x in run), max(x.households[1] for x in run)),
                                    people=sum(x.people for x in run), unit=run[0].unit,
                                    distance_m=round(self.distance(gid, run[0].unit), 1)))
            new_parts[gid] = out
        parts, done = [], set()
        for part in self.plan.assignment.parts:
            if part.grid not in touched:
                parts.append(part)
            elif part.grid not in done:
                parts += new_parts.get(part.grid, [])
                done.add(part.grid)
        parts += [pt for gid, ps in new_parts.items() if gid not in done for pt in ps]
        return parts, renumber


def replan_walk_ins(s: Scenario, plan: Plan, events: Events, households: dict[int, tuple[int, int]],
                    before: list = ()) -> WalkIns:
    """Re-plan who is sampled where and when after ``events``, and the rosters that do it.

    Parameters
    ----------
    s
        The scenario as the events make it (:func:`natplan.models.events.scenario_with_events`).
    plan
        The plan being changed.
    events
        The events.
    households
        The household numbers of each ``more_people`` event's people (:func:`natplan.models.events.new_households`).
    before
        The events of the re-plans ``plan`` carries out already (a re-plan of a re-planned plan): they hold still
        (members who left stay gone, a closed unit takes nobody new) but their changes are made.

    Returns
    -------
    WalkIns
        The new parts, slots, unit days, visits and rosters; what could not be placed, with fixes.
    """
    r = _Repair(s, plan, events, list(before))
    ordered = sorted(enumerate(events.events), key=lambda ie: (ie[1].at, ie[0]))
    for _, e in ordered:
        if isinstance(e, UnitClosed):
            r.close_unit(e)
    for _, e in ordered:
        if isinstance(e, GroupShort):
            r.lose_members(e)
    for i, e in ordered:
        if isinstance(e, MorePeople):
            r.more_people(e, households[i])
    r.place_pending()
    r.explain_lost(r.move())
    if not r.problems:
        r.rosters()
    return r.rebuild()
