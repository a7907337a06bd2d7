"""A city planned on a real Dask cluster: a ``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1.

The plan must be the process pool's, byte for byte — also when a worker is killed while it plans a township
(Dask runs the township again on the other worker).  The cluster's processes are started by the fixture and
stopped by their own process ids, whatever the test does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from natplan.models.city import load_city
from natplan.scheduler.budget import CITY_TOWNSHIP_TIME_LIMIT
from natplan.scheduler.city import join, plan_city

DATA = Path(__file__).resolve().parents[1] / "data"
CITY = DATA / "city_small.yaml"
PRINTED_AT = "2022-04-01 20:00"
STARTUP_S = 180  # a loaded 2-core machine imports slowly; nothing here times the planning itself


class Cluster:
    """A scheduler and two workers (no nanny: a killed worker stays dead), as child processes."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.processes: list[subprocess.Popen] = []
        self.scheduler_file = folder / "scheduler.json"
        self.address = ""
        self.workers: list[subprocess.Popen] = []

    def _start(self, *args: str) -> subprocess.Popen:
        dask = Path(sys.executable).parent / "dask"
        log = open(self.folder / f"process{len(self.processes)}.log", "w")
        p = subprocess.Popen([str(dask), *args], stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        self.processes.append(p)
        return p

    def start(self) -> None:
        self._start("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                    "--scheduler-file", str(self.scheduler_file))
        deadline = time.monotonic() + STARTUP_S
        while not self.scheduler_file.exists():
            assert self.processes[0].poll() is None, (self.folder / "process0.log").read_text()
            assert time.monotonic() < deadline, "the dask scheduler did not start"
            time.sleep(0.1)
        time.sleep(0.2)  # the file is written whole before the scheduler listens; give it a moment
        self.address = json.loads(self.scheduler_file.read_text())["address"]
        self.workers = [self._start("worker", "--scheduler-file", str(self.scheduler_file), "--nthreads", "1",
                                    "--no-nanny", "--no-dashboard", "--host", "127.0.0.1", "--death-timeout", "60")
                        for _ in range(2)]

    def stop(self) -> None:
        """Workers first (they would wait for a scheduler that is gone), then the scheduler; each by its pid."""
        for p in [*self.workers, *self.processes[:1]]:
            if p.poll() is None:
                p.terminate()
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=30)


@pytest.fixture
def cluster(tmp_path):
    pytest.importorskip("dask.distributed")
    if not (Path(sys.executable).parent / "dask").exists():
        pytest.skip("the dask command line is not installed beside this Python")
    c = Cluster(tmp_path)
    try:
        c.start()
        yield c
    finally:
        c.stop()
    assert all(p.poll() is not None for p in c.processes)


@pytest.fixture(scope="module")
def pooled():
    loaded = load_city(CITY)
    return loaded, plan_city(loaded, workers=2, render=False, printed_at=PRINTED_AT)


def _client(address: str):
    from dask.distributed import Client

    client = Client(address, timeout=STARTUP_S)
    client.wait_for_workers(2, timeout=STARTUP_S)
    return client


def test_a_real_cluster_gives_the_pools_plan_byte_for_byte(cluster, pooled):
    loaded, a = pooled
    _client(cluster.address).close()  # both workers are up
    b = plan_city(loaded, workers=2, dask=cluster.address, render=False, printed_at=PRINTED_AT)
    assert b.problems == a.problems
    assert b.plan == a.plan
    assert b.files == a.files  # every township's plan.json and scenario.yaml
    assert len(a.plan.townships) == 3


def test_a_township_whose_worker_is_killed_is_planned_again_and_the_plan_is_the_same(cluster, pooled):
    loaded, a = pooled
    monitor = _client(cluster.address)
    try:
        pid = {pid: address for address, pid in monitor.run(os.getpid).items()}
        victim = cluster.workers[0]
        where = pid[victim.pid]
        result = {}
        run = threading.Thread(target=lambda: result.setdefault("out", plan_city(
            loaded, workers=2, dask=cluster.address, render=False, printed_at=PRINTED_AT)))
        run.start()
        killed_with = ()
        while run.is_alive() and not killed_with:
            killed_with = monitor.processing().get(where, ())
            if not killed_with:
                time.sleep(0.02)
        assert killed_with, "the worker to kill was never given a township"
        victim.kill()  # SIGKILL, by its own pid, while it plans
        victim.wait(timeout=60)
        run.join(timeout=600)
        assert not run.is_alive()
        log = monitor.run_on_scheduler(
            lambda dask_scheduler: [(str(e[0]), e[1], e[2], str(e[4])) for e in dask_scheduler.transition_log])
    finally:
        monitor.close()
    again = {key for key, start, finish, why in log
             if key in killed_with and start == "processing" and why.startswith("handle-worker-cleanup")}
    assert again, "the killed worker's township was not put back by the scheduler"
    b = result["out"]
    assert b.problems == a.problems
    assert b.plan == a.plan
    assert b.files == a.files


def test_the_joined_plan_does_not_depend_on_the_order_townships_finish(tmp_path):
    from natplan.models.city import township_origin
    from natplan.scheduler.city import TownshipJob, assign_labs, township_job
    from natplan.scheduler.pipeline import natplan_version
    from tests.scheduler.test_city import city_with_labs

    # labs that keep up with every township's shuttles: the township jobs' plans are the city's, none planned again
    loaded = load_city(city_with_labs(tmp_path, 1000, 1000))
    a = plan_city(loaded, workers=1, render=False, printed_at=PRINTED_AT)
    city = loaded.city
    origins = {t.id: township_origin(loaded.township_geometry[t.id]) for t in city.townships}
    choice = assign_labs(city, origins, seed=city.parameters.seed)
    labs = {lab.id: lab for lab in city.labs}
    outcomes = [township_job(TownshipJob(city=city, township=t.id, lab=labs[choice.lab[t.id]],
                                         wkb=loaded.township_geometry[t.id].wkb, base=loaded.path.parent.resolve(),
                                         time_limit=CITY_TOWNSHIP_TIME_LIMIT, render=False, lang="zh",
                                         printed_at=PRINTED_AT))
                for t in city.townships]
    forward = join(loaded, choice, {o.id: o for o in outcomes}, natplan_version())
    backward = join(loaded, choice, {o.id: o for o in reversed(outcomes)}, natplan_version())
    assert forward == backward == a.plan
