"""Pure calls run on a Dask cluster when one is named, here otherwise.

The nightly forecast's heavy step (``forecast`` and ``backtest`` of a partition's series) is
pure: frames in, frames out. :func:`run` submits such calls to the Dask scheduler at
``address`` and gathers their answers; without an address, or when the cluster cannot be
reached, has no worker, or loses the work, it runs them here, in order, and says why in
:attr:`Outcome.fallback`. The answers are the same wherever they are computed: each call is
the same function on the same data (the forecaster's seed is an argument, never a process's
state), and an exception the function raises comes back as its answer, as it would here.

Dask (``pip install "dask[distributed]"``, the ``distributed`` extra) is needed only when an
address is given. A client per scheduler address is kept per process (a forked process never
uses its parent's) and closed at exit (:func:`close_clients`); an address that failed is not
tried again for ``RETRY_AFTER`` seconds, so a night of partitions does not wait for a
connection time-out each.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

#: Seconds to reach the scheduler and see a worker before the calls run here.
CONNECT_TIMEOUT = 5.0
#: Seconds the cluster has to answer before the calls run here after all.
RESULT_TIMEOUT = 1800.0
#: Seconds an address that failed is left alone (its calls run here at once meanwhile).
RETRY_AFTER = 300.0
HERE = "here"


@dataclass(frozen=True)
class Call:
    """``function(*args, **kwargs)``; ``function`` importable by name where it runs (a
    module-level function of an installed package)."""

    function: Callable[..., Any]
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Answer:
    """What a call returned, or the exception it raised."""

    value: Any = None
    error: BaseException | None = None

    def result(self) -> Any:
        """The value, or the call's exception raised here."""
        if self.error is not None:
            raise self.error
        return self.value


@dataclass(frozen=True)
class Outcome:
    """The answers of :func:`run`'s calls, in order, and where they were computed:
    ``where`` is the scheduler's address (``workers`` its workers) or ``"here"``;
    ``fallback`` says why they ran here although an address was given (empty otherwise)."""

    answers: list[Answer]
    where: str = HERE
    workers: int = 0
    fallback: str = ""


def answer(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Answer:
    """``function(*args, **kwargs)`` as an :class:`Answer`, its exception as a value: what the
    caller sees is the same wherever it ran. Library deprecation notices are silenced (they
    are for developers, not the nightly log)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", FutureWarning)
            return Answer(value=function(*args, **kwargs))
    except Exception as error:  # noqa: BLE001 - the call's own failure is its answer
        return Answer(error=error)


def run(
    calls: Iterable[Call],
    address: str | None = None,
    *,
    connect_timeout: float = CONNECT_TIMEOUT,
    result_timeout: float = RESULT_TIMEOUT,
) -> Outcome:
    """The answers of ``calls``: on the Dask cluster whose scheduler is at ``address`` (all
    submitted at once, so they run side by side on its workers), or here, in order, when no
    address is given or the cluster fails (``Outcome.fallback`` says how)."""
    calls = list(calls)
    if not address:
        return Outcome([answer(call.function, *call.args, **call.kwargs) for call in calls])
    try:
        client = _client(address, connect_timeout)
        workers = len(client.nthreads())
        answers = _submit(client, calls, result_timeout)
    except Exception as error:  # noqa: BLE001 - any failure of the cluster: run here
        reason = _failed(address, error)
        local = run(calls)
        return Outcome(local.answers, fallback=reason)
    return Outcome(list(answers), where=address, workers=workers)


def close_clients() -> None:
    """Close this process's clients and forget the addresses that failed."""
    with _LOCK:
        clients = list(_CLIENTS.values()) if _CLIENTS_PID[0] == os.getpid() else []
        _CLIENTS.clear()
        _FAILED.clear()
        _CLIENTS_PID[0] = os.getpid()
    for client in clients:
        try:
            client.close(timeout=2)
        except Exception:  # noqa: BLE001, S110 - closing at exit: nothing left to tell
            pass


@dataclass(frozen=True)
class LocalCluster:
    """A cluster :func:`local_cluster` started: the scheduler's address, the processes' ids
    (the scheduler's first) and the file both write their log to."""

    address: str
    pids: tuple[int, ...]
    log: Path


@contextmanager
def local_cluster(workers: int = 2, *, timeout: float = 120.0) -> Iterator[LocalCluster]:
    """A Dask scheduler and ``workers`` worker processes (a thread each) on this machine, for
    tests and benchmarks: ``dask scheduler`` and ``dask worker`` subprocesses of this Python,
    so that they import boh_core as it does (a ``distributed.LocalCluster`` of processes
    re-imports the main module, which an Odoo server cannot stand). Ready once every worker
    is in; stopped, and its files deleted, on exit. Needs ``distributed``."""
    from distributed import Client

    folder = Path(tempfile.mkdtemp(prefix="boh_dask_"))
    scheduler_file = folder / "scheduler.json"
    env = dict(os.environ)
    core = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [core, env.get("PYTHONPATH")]))
    # a thread a worker, its numeric libraries' too (what a `dask worker` nanny sets)
    env.update(OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    common = ["--no-dashboard", "--scheduler-file", str(scheduler_file)]
    commands = [
        ["distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0", *common]
    ] + [
        ["distributed.cli.dask_worker", "--nthreads", "1", "--no-nanny", *common,
         "--local-directory", str(folder)]
        for _ in range(workers)
    ]  # fmt: skip
    processes = []
    with (folder / "dask.log").open("w") as log:
        try:
            for command in commands:
                processes.append(
                    subprocess.Popen(
                        [sys.executable, "-m", *command], env=env, stdout=log, stderr=log
                    )
                )
                deadline = time.monotonic() + timeout
                while not scheduler_file.exists() and time.monotonic() < deadline:
                    time.sleep(0.2)
            with Client(scheduler_file=str(scheduler_file), timeout=timeout) as client:
                client.wait_for_workers(workers, timeout=timeout)
                address = client.scheduler.address
            yield LocalCluster(address, tuple(p.pid for p in processes), folder / "dask.log")
        finally:
            close_clients()
            _stop(processes)
            shutil.rmtree(folder, ignore_errors=True)


def _stop(processes: list[subprocess.Popen]) -> None:
    """Stop the workers, then the scheduler."""
    for process in reversed(processes):
        process.terminate()
    for process in reversed(processes):
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# -- the clients of this process -------------------------------------------------------------

_LOCK = threading.Lock()
_CLIENTS: dict[str, Any] = {}
#: address -> (monotonic time until which it is left alone, why)
_FAILED: dict[str, tuple[float, str]] = {}
_CLIENTS_PID = [os.getpid()]


def _client(address: str, connect_timeout: float):
    """This process's client of ``address``, connected (and with a worker) within
    ``connect_timeout`` seconds, or an exception saying why not."""
    with _LOCK:
        if _CLIENTS_PID[0] != os.getpid():  # forked: the parent's clients are not ours
            _CLIENTS.clear()
            _FAILED.clear()
            _CLIENTS_PID[0] = os.getpid()
        until, reason = _FAILED.get(address, (0.0, ""))
        if time.monotonic() < until:
            raise ClusterSkipped(reason)
        client = _CLIENTS.get(address)
        if client is not None and client.status == "running":
            return client
        from distributed import Client

        client = Client(address, timeout=connect_timeout, set_as_default=False)
        _CLIENTS[address] = client
    client.wait_for_workers(1, timeout=connect_timeout)
    return client


def _submit(client, calls: list[Call], result_timeout: float) -> list[Answer]:
    """Submit every call (its frames scattered to the cluster first, not packed into the
    task graph), then collect the answers within ``result_timeout`` seconds in all."""
    deadline = time.monotonic() + result_timeout
    futures = []
    try:
        for call in calls:
            args = [client.scatter(arg) if _is_frame(arg) else arg for arg in call.args]
            futures.append(client.submit(answer, call.function, *args, pure=False, **call.kwargs))
        return [future.result(timeout=max(0.1, deadline - time.monotonic())) for future in futures]
    finally:
        client.cancel(futures)


def _failed(address: str, error: Exception) -> str:
    """Why the cluster was not used; the address left alone for ``RETRY_AFTER`` seconds and
    its client closed (a later try connects afresh)."""
    if isinstance(error, ClusterSkipped):
        return str(error)
    reason = f"{type(error).__name__}: {error}".strip().rstrip(":")
    with _LOCK:
        _FAILED[address] = (
            time.monotonic() + RETRY_AFTER,
            f"{reason} (not tried again for {RETRY_AFTER:.0f} s)",
        )
        client = _CLIENTS.pop(address, None)
    if client is not None:
        try:
            client.close(timeout=2)
        except Exception:  # noqa: BLE001, S110 - a broken client: dropped either way
            pass
    return reason


def _is_frame(value: Any) -> bool:
    return isinstance(value, (pd.DataFrame, pd.Series))


class ClusterSkipped(Exception):
    """The address failed a short while ago: not tried again yet."""


atexit.register(close_clients)
