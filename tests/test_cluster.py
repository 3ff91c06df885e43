"""Ingest on Dask distributed (kg/cluster.py): a real scheduler and real worker processes on
127.0.0.1, writing into a real Oxigraph server; the graph must equal one sequential run's.

``kg ingest --workers 2`` runs on a :class:`distributed.LocalCluster`; ``kg ingest --cluster
tcp://HOST:PORT`` on the workers of a `dask scheduler` started here as on a machine of its own,
with `dask worker` processes as the other machines.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import DEV, KG, ROOT, run_kg
from tests.servers import free_port
from tests.test_remote import documents, export, remote_dev  # noqa: F401 - remote_dev is a fixture

pytestmark = pytest.mark.slow
DASK = Path(sys.executable).with_name("dask")


def test_workers_on_a_local_cluster_equal_one_sequential_run(oxigraph_server, remote_dev):  # noqa: F811
    server = oxigraph_server()
    result = run_kg("ingest", str(DEV), "--workers", "2", *server.args, "-q")
    assert result.returncode == 0, result.stderr.decode()
    assert export(*server.args) == export(*remote_dev.args)


def _wait_for_workers(address: str, n: int, timeout: float = 90) -> None:
    from distributed import Client

    with Client(address, timeout=30) as client:
        client.wait_for_workers(n, timeout=timeout)


@pytest.fixture
def scheduler() -> Iterator[tuple[str, list[subprocess.Popen[bytes]]]]:
    """`dask scheduler` and two `dask worker` processes (each in its own process group, so that
    killing one kills its nanny and its worker process as a machine going down would)."""
    if not DASK.exists():
        pytest.skip(f"{DASK} is missing (PyPI distributed)")
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs = [subprocess.Popen([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)]
    try:
        time.sleep(1)
        workers = [subprocess.Popen([str(DASK), "worker", address, "--host", "127.0.0.1", "--nthreads", "1",
                                     "--nworkers", "1", "--no-dashboard"], cwd=ROOT,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
                   for _ in range(2)]
        procs += workers
        _wait_for_workers(address, 2)
        yield address, workers
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def test_a_worker_killed_mid_run_loses_nothing_after_a_rerun(oxigraph_server, remote_dev, scheduler):  # noqa: F811
    address, workers = scheduler
    server = oxigraph_server()
    ingest = subprocess.Popen([*KG, "ingest", str(DEV), "--cluster", address, *server.args, "-q"], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    while documents(server) < 2 and ingest.poll() is None and time.monotonic() < deadline:
        time.sleep(0.5)
    killed_mid_run = ingest.poll() is None
    os.killpg(workers[0].pid, signal.SIGKILL)  # one machine goes down, mid-run
    _, err = ingest.communicate(timeout=300)
    # the scheduler gives the lost worker's batches to the other one: the run goes on; and had it
    # stopped, a re-run would finish the work, skipping what is stored
    rerun = run_kg("ingest", str(DEV), "--cluster", address, *server.args, "-q")
    assert rerun.returncode == 0, (err.decode(), rerun.stderr.decode())
    assert export(*server.args) == export(*remote_dev.args)
    assert killed_mid_run, "the ingest finished before a worker could be killed: the test proved nothing"


def test_an_unreachable_scheduler_is_one_line(tmp_path):
    result = run_kg("ingest", str(DEV), "--cluster", f"tcp://127.0.0.1:{free_port()}",
                    "--store", str(tmp_path / "store"), env={"KG_CLUSTER_TIMEOUT": "3"})
    err = result.stderr.decode()
    assert result.returncode == 2 and "Traceback" not in err, err
    assert "cannot reach the Dask scheduler" in err.strip().splitlines()[-1]
