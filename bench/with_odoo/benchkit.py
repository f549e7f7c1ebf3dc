"""What every Odoo benchmark needs: a registry on the benchmark database, and a live server.

The test command (``scripts/run_tests.py``) runs these benchmarks under the Python that runs
Odoo and passes the database in ``BOH_ODOO_DB``, the addons path in ``BOH_ODOO_ADDONS_PATH`` and
the connection options (a JSON list) in ``BOH_ODOO_DB_OPTIONS``.
"""

from __future__ import annotations

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
    process = odoo_process.start(cmd)
    if odoo_process.wait_for_http(f"http://127.0.0.1:{port}/web/login", timeout, process):
        return process
    code = process.poll()
    stop_server(process)
    if code is not None:
        raise RuntimeError(f"the Odoo server exited with {code}; see {logfile}")
    raise RuntimeError(f"the Odoo server did not answer within {timeout:.0f} s; see {logfile}")


free_port = odoo_process.free_port
stop_server = odoo_process.stop
