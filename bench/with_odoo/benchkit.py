"""What every Odoo benchmark needs: a registry on the benchmark database, and a live server.

The test command (``scripts/run_tests.py``) runs these benchmarks under the Python that runs
Odoo and passes the database in ``BOH_ODOO_DB``, the addons path in ``BOH_ODOO_ADDONS_PATH`` and
the connection options (a JSON list) in ``BOH_ODOO_DB_OPTIONS``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def odoo_options(db: str) -> list[str]:
    """Command-line options that point Odoo at ``db`` with the suite's addons."""
    options = ["-d", db]
    if os.environ.get("BOH_ODOO_ADDONS_PATH"):
        options.append(f"--addons-path={os.environ['BOH_ODOO_ADDONS_PATH']}")
    return options + json.loads(os.environ.get("BOH_ODOO_DB_OPTIONS", "[]"))


def odoo_env(db: str):
    """``(registry, odoo.api, SUPERUSER_ID)`` on ``db``, with Odoo configured as the server."""
    import odoo
    from odoo.tools import config

    config.parse_config([*odoo_options(db), "--log-level=warn"])
    registry = odoo.modules.registry.Registry(db)
    return registry, odoo.api, odoo.SUPERUSER_ID


def free_port() -> int:
    """A TCP port nobody listens on right now, on the loopback interface."""
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(
    db: str, port: int, logfile: Path, *, cron_threads: int = 0, timeout: float = 180
) -> subprocess.Popen:
    """Start ``odoo`` serving ``db`` on ``port`` (loopback) and wait until it answers."""
    command = os.environ.get("ODOO_BIN") or shutil.which("odoo") or shutil.which("odoo-bin")
    if not command:
        raise RuntimeError("no `odoo` command on PATH (set ODOO_BIN)")
    cmd = [
        command, *odoo_options(db), f"--http-port={port}", "--http-interface=127.0.0.1",
        "--workers=0", f"--max-cron-threads={cron_threads}", "--log-level=warn",
        f"--db-filter=^{db}$", f"--logfile={logfile}",
    ]  # fmt: skip
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    process = subprocess.Popen(cmd, env=env, start_new_session=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the Odoo server exited with {process.returncode}; see {logfile}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/web/login", timeout=5) as r:
                if r.status == 200:
                    return process
        except OSError:
            pass
        time.sleep(0.5)
    stop_server(process)
    raise RuntimeError(f"the Odoo server did not answer within {timeout:.0f} s; see {logfile}")


def stop_server(process: subprocess.Popen) -> None:
    """Stop a server started by :func:`start_server` (its whole process group)."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
