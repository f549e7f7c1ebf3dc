"""What every Odoo benchmark needs: a registry on the benchmark database, and a live server.

The test command (``scripts/run_tests.py``) runs these benchmarks under the Python that runs
Odoo and passes the database in ``BOH_ODOO_DB``, the addons path in ``BOH_ODOO_ADDONS_PATH`` and
the connection options (a JSON list) in ``BOH_ODOO_DB_OPTIONS``.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import odoo_process  # noqa: E402  (scripts/odoo_process.py)


def odoo_options(db: str) -> list[str]:
    """Command-line options that point Odoo at ``db`` with the suite's addons."""
    options = ["-d", db]
    if os.environ.get("BOH_ODOO_ADDONS_PATH"):
        options.append(f"--addons-path={os.environ['BOH_ODOO_ADDONS_PATH']}")
    return options + json.loads(os.environ.get("BOH_ODOO_DB_OPTIONS", "[]"))


@functools.cache
def odoo_env(db: str):
    """``(registry, odoo.api, SUPERUSER_ID)`` on ``db``, with Odoo configured as the server.

    Odoo's configuration can be parsed once per process: later calls get the same answer.
    """
    import odoo
    from odoo.tools import config

    config.parse_config([*odoo_options(db), "--log-level=warn"])
    registry = odoo.modules.registry.Registry(db)
    return registry, odoo.api, odoo.SUPERUSER_ID


def start_server(
    db: str,
    port: int,
    logfile: Path,
    *,
    cron_threads: int = 0,
    timeout: float = 180,
    workers: int = 0,
    options=(),
) -> subprocess.Popen:
    """Start ``odoo`` serving ``db`` on ``port`` (loopback) and wait until it answers.

    ``workers`` 0 is Odoo's threaded server (one process, as the tests run it); more is the
    production mode: that many HTTP worker processes (prefork), ``cron_threads`` cron worker
    processes and the gevent process on a free port of its own, with Odoo's default limits
    unless ``options`` (more command-line options, such as ``--limit-time-real-cron=900``)
    say otherwise.
    """
    command = os.environ.get("ODOO_BIN") or shutil.which("odoo") or shutil.which("odoo-bin")
    if not command:
        raise RuntimeError("no `odoo` command on PATH (set ODOO_BIN)")
    cmd = [
        command, *odoo_options(db), f"--http-port={port}", "--http-interface=127.0.0.1",
        f"--workers={workers}", f"--max-cron-threads={cron_threads}", "--log-level=warn",
        f"--db-filter=^{db}$", f"--logfile={logfile}",
    ]  # fmt: skip
    if workers:
        cmd.append(f"--gevent-port={free_port()}")
    cmd.extend(options)
    process = odoo_process.start(cmd)
    if odoo_process.wait_for_http(f"http://127.0.0.1:{port}/web/login", timeout, process):
        return process
    code = process.poll()
    stop_server(process)
    if code is not None:
        raise RuntimeError(f"the Odoo server exited with {code}; see {logfile}")
    raise RuntimeError(f"the Odoo server did not answer within {timeout:.0f} s; see {logfile}")


def arguments(doc: str, sizes, argv=None, extra=None, workers=False) -> argparse.Namespace:
    """The command line every Odoo benchmark takes: ``--size`` (one of ``sizes``, ``full`` by
    default) and ``--db`` (``BOH_ODOO_DB`` by default; the benchmark refuses to run without
    one). ``extra(parser)`` adds a benchmark's own options; ``doc`` is the module docstring.
    ``workers``: the benchmark starts its own server and takes ``--workers`` (a list of worker
    counts, see :func:`start_server`)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--size", choices=sorted(sizes), default="full")
    parser.add_argument("--db", default=os.environ.get("BOH_ODOO_DB"))
    if workers:
        parser.add_argument(
            "--workers",
            type=worker_counts,
            default=[0],
            help="Odoo server modes to run side by side: comma-separated worker counts, 0 for "
            "the threaded server (default), e.g. 0,1,2",
        )
    if extra:
        extra(parser)
    args = parser.parse_args(argv)
    if not args.db:
        parser.error("no database: pass --db or set BOH_ODOO_DB")
    return args


def worker_counts(text: str) -> list[int]:
    """``"0,1,2"`` as ``[0, 1, 2]``: the worker counts of ``--workers`` (0 to 8 each)."""
    try:
        counts = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        counts = []
    if not counts or any(not 0 <= count <= 8 for count in counts):
        raise argparse.ArgumentTypeError(
            f"--workers: {text!r} is not a comma-separated list of worker counts from 0 to 8"
        )
    return counts


def server_mode(workers: int) -> str:
    """How a worker count of :func:`start_server` reads: threaded, 1 worker, 2 workers."""
    return "threaded" if not workers else f"{workers} worker{'s' if workers > 1 else ''}"


def lacks(env, modules) -> bool:
    """Whether any of ``modules`` is not installed in ``env``'s database."""
    if not modules:
        return False
    installed = env["ir.module.module"].search_count(
        [("name", "in", list(modules)), ("state", "=", "installed")]
    )
    return installed != len(set(modules))


def run_rolled_back(db: str, bench, size: str, *, name: str = "", requires=()):
    """``bench(env, size)`` as the superuser in one cursor on ``db``, rolled back whatever
    happens, and its result.

    ``requires`` names modules that must be installed: when one is not, say so on stderr
    (``<name>: database lacks <modules>``) and answer None without running ``bench``.
    """
    registry, api, uid = odoo_env(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, uid, {})
        if lacks(env, requires):
            print(f"{name}: database lacks {' or '.join(requires)}", file=sys.stderr)
            return None
        try:
            return bench(env, size)
        finally:
            cr.rollback()


free_port = odoo_process.free_port
stop_server = odoo_process.stop
