"""The queue of :func:`natplan.scheduler.simulate.simulate_queue`, as a recursion over sorted arrivals.

A FIFO queue in front of ``c`` desks needs no event list: take the people in
the order they arrive and keep, for each desk, the minute it next becomes
free (the Kiefer–Wolfowitz form of Lindley's recursion).  Person ``i`` is
called by the desk that frees first, at ``max(arrival, earliest free)``,
starts at that minute or at the opening, whichever is later, and keeps the
desk until the swab is done.

Desks leaving for gear changes and meals are events in the same recursion,
exactly as the SimPy model has them: a "break" holds ``top - working`` desks
(``top`` the most desks ever working), takes each desk it needs when the desk
next frees (a swab in progress is finished first, and the break goes before
anyone still waiting), one desk after the other, and gives the desks back at
the next change point.  Before each person is called, every break action
that asks for a desk earlier than that person would be called is done
first.

The recursion runs over people, vectorised over replications: each numpy
operation updates one person's step in every replication at once, so a
chunk of a few hundred replications costs little more than one.  Given the
same arrivals and swab times, it gives the same peak queue, finish and mean
wait as the SimPy model (tests/scheduler/test_simulate_fast.py checks it run
by run).  Only exact ties, someone arriving at the very instant a desk frees
or a change point falls, may be ordered otherwise than SimPy's event queue
orders them; with continuous arrival and swab times they have probability
zero.

Peak queue, as the SimPy model counts it: the people who have arrived and are
not yet at a desk, at each arrival (the arriving person included).  Calls are
in arrival order and never earlier than the previous call, so the count at
arrival ``i`` is ``i + 1`` minus the people already started, a sorted search.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_ACQUIRE, _RELEASE = 1, -1


@dataclass(frozen=True)
class QueueDays:
    """Simulated days of one unit: each array has one entry per replication."""

    peak_queue: np.ndarray  # int: most people waiting at once
    finish: np.ndarray  # minute the last swab ends (the opening when nobody came)
    mean_wait: np.ndarray  # minutes from arrival to the desk, averaged over the people who came


@dataclass(frozen=True)
class BreakActions:
    """The break process of a desk schedule: one desk taken (``+1``) or given back (``-1``) per action.

    Actions happen in order; each is asked for at its change point or when
    the one before it is done, whichever is later.
    """

    top: int  # desks the unit has (the most working at any change point)
    times: np.ndarray  # change point of each action
    kinds: np.ndarray  # +1 take a desk, -1 give one back


def break_actions(desks: list[tuple[float, int]]) -> BreakActions:
    """The actions of the SimPy model's break process for a desk schedule.

    Parameters
    ----------
    desks
        Desks working from each change point, ``[(minute, desks), …]``, sorted
        (as :func:`natplan.scheduler.simulate.simulate_queue` takes them).

    Returns
    -------
    BreakActions
        The unit's desks and the break actions in order (none when the count
        never drops below its top).
    """
    top = max((c for _, c in desks), default=1)
    times, kinds = [], []
    if any(c < top for _, c in desks):  # else no break ever holds a desk
        held = 0
        for t, working in desks:
            want = max(0, top - working)
            step = _RELEASE if held > want else _ACQUIRE
            for _ in range(abs(want - held)):
                times.append(float(t))
                kinds.append(step)
            held = want
    return BreakActions(max(1, top), np.array(times, dtype=float), np.array(kinds, dtype=np.int8))


def queue_days(arrivals: np.ndarray, swabs: np.ndarray, desks: list[tuple[float, int]],
               open_at: float = 0.0) -> QueueDays:
    """Many replications of one unit's day at once.

    Parameters
    ----------
    arrivals
        ``(replications, people)`` arrival minutes, each row sorted; ``inf``
        for people who did not come (they sort last).
    swabs
        Swab minutes, same shape: ``swabs[r, i]`` is the swab of the ``i``-th
        person to arrive in replication ``r``.
    desks
        Desks working from each change point, ``[(minute, desks), …]``.
    open_at
        Nobody is swabbed before this minute.

    Returns
    -------
    QueueDays
        Peak queue, finish and mean wait of each replication.

    Raises
    ------
    ValueError
        When the arrays differ in shape or a row is not sorted.
    """
    arrivals = np.asarray(arrivals, dtype=float)
    swabs = np.asarray(swabs, dtype=float)
    if arrivals.ndim != 2 or arrivals.shape != swabs.shape:
        raise ValueError(f"arrivals and swabs must be 2-d arrays of one shape, not {arrivals.shape} and {swabs.shape}")
    if arrivals.shape[1] > 1 and np.any(arrivals[:, 1:] < arrivals[:, :-1]):
        raise ValueError("each row of arrivals must be sorted")
    came = np.isfinite(arrivals)
    count = came.sum(axis=1)
    n = int(count.max(initial=0))
    arrivals, swabs, came = arrivals[:, :n], swabs[:, :n], came[:, :n]
    starts = _starts(arrivals, swabs, break_actions(desks), float(open_at))
    finish = np.maximum(open_at, np.where(came, starts + swabs, -np.inf).max(axis=1, initial=-np.inf))
    peak = np.zeros(len(arrivals), dtype=np.int64)
    mean_wait = np.zeros(len(arrivals))
    for r in np.flatnonzero(count):  # row by row: a row's sums never depend on the rows beside it
        k = count[r]
        waiting = np.arange(1, k + 1) - np.searchsorted(starts[r, :k], arrivals[r, :k], side="left")
        peak[r] = waiting.max()
        mean_wait[r] = (starts[r, :k] - arrivals[r, :k]).sum() / k
    return QueueDays(peak, finish, mean_wait)


def _starts(arrivals: np.ndarray, swabs: np.ndarray, brk: BreakActions, open_at: float) -> np.ndarray:
    """Minute each person starts at a desk (``inf`` for those who did not come)."""
    reps, n = arrivals.shape
    times = np.append(brk.times, np.inf)  # past the last action: nothing more to do
    kinds = np.append(brk.kinds, 0)
    free = np.full((reps, brk.top), -np.inf)  # when each desk next frees; inf while a break holds it
    flat = free.reshape(-1)  # the same memory: flat[row * top + desk]
    first_desk = np.arange(reps) * brk.top
    held = np.zeros((reps, brk.top), dtype=bool)
    step = np.zeros(reps, dtype=np.int64)  # next break action of each replication
    # the SimPy day starts at the first arrival or the opening; a break due earlier acts then, after that arrival
    done = np.minimum(arrivals[:, 0], open_at) if n else np.full(reps, open_at)  # previous break action done
    ask = np.maximum(done, times[0])  # when the next break action is asked for
    by_person = np.ascontiguousarray(arrivals.T), np.ascontiguousarray(swabs.T)
    starts = np.empty((n, reps))
    for i, (a, swab) in enumerate(zip(*by_person)):
        while True:
            desk = free.argmin(axis=1)
            at = first_desk + desk
            earliest = flat.take(at)
            call = np.maximum(a, earliest)
            first = ask < call  # break actions that come before this person is called
            if not first.any():
                break
            _break_step(np.flatnonzero(first), desk, earliest, free, held, step, done, ask, times, kinds)
        start = np.maximum(call, open_at)
        flat[at] = start + swab
        starts[i] = start
    return np.ascontiguousarray(starts.T)


def _break_step(r, desk, earliest, free, held, step, done, ask, times, kinds) -> None:
    """Do the next break action of replications ``r`` (in place)."""
    kind = kinds[step[r]]
    give = r[kind == _RELEASE]
    if give.size:
        d = held[give].argmax(axis=1)
        free[give, d] = ask[give]
        held[give, d] = False
        done[give] = ask[give]
    take = r[kind == _ACQUIRE]
    if take.size:
        d = desk[take]
        done[take] = np.maximum(ask[take], earliest[take])  # when the desk frees, ahead of anyone waiting
        free[take, d] = np.inf
        held[take, d] = True
    step[r] += 1
    ask[r] = np.maximum(done[r], times[step[r]])
