#!/usr/bin/env python3
"""The one test command of the BOH suite (``make test``).

Two tiers:

* pure: ``boh_core`` and the client, in a virtual environment this script creates (``.venv``),
  plus every pure benchmark at its small size;
* odoo: wherever Odoo 18 is installed (an ``odoo`` command on PATH, or ``ODOO_BIN``), under the
  Python that runs Odoo: starts PostgreSQL if it is installed and stopped, installs the four
  addons with their tests in a fresh database (browser tours in Chromium included), meanwhile
  installs the last release (``RELEASE_COMMIT``, read from git history) into a throwaway
  database and upgrades it to the working tree, which must then agree with the fresh database
  (rules, access, groups, fields, crons, menus), serves the fresh database on a free port for
  the end-to-end XML-RPC tests, runs the Odoo benchmarks at their small size and drops the
  databases.

It prints one summary line per tier (``pure: N passed, N failed``, ``odoo: N passed, N failed,
N skipped``), says loudly why anything was skipped, and exits non-zero on any failure. A skipped
Odoo tier or a skipped test counts as a failure unless ``BOH_ALLOW_SKIPS=1``: skipped is not
passed. Only the standard library is used here, so any ``python3`` can run it.
"""

from __future__ import annotations

import argparse
import ctypes.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import odoo_process  # scripts/odoo_process.py, next to this file

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ROOT / "addons"
VENV = ROOT / ".venv"
VAR = ROOT / "var"
ODOO_PYTHON_DEPS = {  # import name -> pip name, needed by the addons and the tours
    "pandas": "pandas",
    "sklearn": "scikit-learn",
    "holidays": "holidays",
    "qrcode": "qrcode",
    "pyzbar": "pyzbar",
    "websocket": "websocket-client",
    "reportlab": "reportlab",
    "ortools": "ortools",
    # optional in production (the nightly forecast on a Dask cluster); the tests start a
    # local cluster of two workers, so the test command installs it
    "distributed": "dask[distributed]",
}
# Debian package -> how to tell it is already there (a path, or a shared library name)
DEBIAN_PACKAGES = {"chromium": "/usr/bin/chromium", "libzbar0": "lib:zbar", "git": "/usr/bin/git"}


@dataclass
class Tier:
    name: str
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    notes: list[str] = field(default_factory=list)
    skip_reasons: list[str] = field(default_factory=list)

    def add(self, passed: int = 0, failed: int = 0, skipped: int = 0) -> None:
        self.passed += passed
        self.failed += failed
        self.skipped += skipped

    def line(self) -> str:
        text = f"{self.name}: {self.passed} passed, {self.failed} failed"
        if self.name != "pure" or self.skipped:
            text += f", {self.skipped} skipped"
        return text


def say(message: str) -> None:
    print(f"[run_tests] {message}", flush=True)


def loud(message: str) -> None:
    bar = "!" * 78
    print(f"\n{bar}\n!! {message}\n{bar}\n", flush=True)


def run(cmd, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=False, **kwargs)


# ---------------------------------------------------------------------- system packages
def ensure_debian_packages() -> list[str]:
    """Install chromium and libzbar0 where missing (the script may run as root)."""
    missing = []
    for package, probe in DEBIAN_PACKAGES.items():
        if probe.startswith("lib:") and ctypes.util.find_library(probe[4:]):
            continue
        if not probe.startswith("lib:") and Path(probe).exists():
            continue
        status = run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True)
        if "install ok installed" not in status.stdout:
            missing.append(package)
    if not missing:
        return []
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return [f"cannot install Debian packages {missing}: not root or no apt-get"]
    say(f"installing Debian packages {missing} (apt-get update first)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(["apt-get", "update", "-q"], env=env, stdout=subprocess.DEVNULL)
    result = run(["apt-get", "install", "-y", "-q", *missing], env=env, stdout=subprocess.DEVNULL)
    if result.returncode:
        return [f"apt-get install {missing} failed with code {result.returncode}"]
    return []


# ---------------------------------------------------------------------- pure tier
def pytest_counts(junit: Path) -> tuple[int, int, int]:
    """(passed, failed, skipped) from a junit XML report."""
    if not junit.exists():
        return 0, 0, 0
    root = ET.parse(junit).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    tests = failures = skipped = 0
    for suite in suites:
        tests += int(suite.get("tests", 0))
        failures += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    return tests - failures - skipped, failures, skipped


def ensure_venv() -> Path:
    python = VENV / "bin" / "python"
    if not python.exists():
        say(f"creating the pure-tier environment in {VENV}")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    # bench: the baselines the pure benchmarks measure against (statsforecast, the bakery data)
    say("installing boh_core with its test and benchmark extras into .venv")
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            "-e",
            f"{ROOT}[test,bench]",
        ],
        check=True,
    )
    # ddop2 (the wuerzbaeck bakery set) without its dependencies, which pull in PyTorch
    pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, "--no-deps", "ddop2"], check=True)
    return python


def run_pytest(python: Path, tier: Tier, label: str, paths: list[str], env=None) -> None:
    VAR.mkdir(exist_ok=True)
    junit = VAR / f"junit-{label}.xml"
    junit.unlink(missing_ok=True)
    say(f"pytest {label}: {' '.join(paths)}")
    result = run(
        [
            str(python),
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"--junitxml={junit}",
            *paths,
        ],
        cwd=ROOT,
        env=env,
    )
    passed, failed, skipped = pytest_counts(junit)
    if result.returncode not in (0, 5) and not failed:
        failed = 1  # collection error or crash: pytest did not get as far as the report
        tier.notes.append(f"pytest {label} exited {result.returncode}")
    tier.add(passed, failed, skipped)
    if skipped:
        tier.skip_reasons.append(f"{skipped} pytest test(s) skipped in {label}, see above")


#: Server modes (``--workers``) of the benchmarks that start their own server, by size: the
#: full run compares the threaded server with 1 and 2 prefork workers; the small run keeps the
#: prefork mode working on the cheaper of the two.
SERVER_MODES = {
    ("bench_pos_ingest.py", "full"): ["--workers", "0,1,2"],
    ("bench_intake_http.py", "full"): ["--workers", "0,1,2"],
    ("bench_intake_http.py", "small"): ["--workers", "0,2"],
}


def run_benchmarks(
    python: Path, tier: Tier, scripts: list[Path], size: str, extra=(), env=None
) -> None:
    """Each benchmark counts as one test: it must run and exit 0."""
    for script in scripts:
        modes = SERVER_MODES.get((script.name, size), [])
        say(f"benchmark {script.relative_to(ROOT)} --size {size} {' '.join(modes)}".rstrip())
        started = time.monotonic()
        result = run([str(python), str(script), "--size", size, *extra, *modes], cwd=ROOT, env=env)
        took = time.monotonic() - started
        if result.returncode == 0:
            tier.add(passed=1)
            say(f"benchmark {script.name} ok in {took:.1f}s")
        else:
            tier.add(failed=1)
            tier.notes.append(f"benchmark {script.name} exited {result.returncode}")


def pure_benchmarks() -> list[Path]:
    return sorted((ROOT / "bench").glob("bench_*.py"))


def odoo_benchmarks() -> list[Path]:
    return sorted((ROOT / "bench" / "with_odoo").glob("bench_*.py"))


def pure_tier(args) -> Tier:
    tier = Tier("pure")
    python = ensure_venv()
    paths = [
        p
        for p in (
            "tests/core",
            "tests/client",
            "tests/test_docker.py",
            "tests/test_docker_prod.py",
            "tests/test_repository.py",
            "tests/test_run_tests.py",
            "tests/test_upgrade_check.py",
        )
        if (ROOT / p).exists()
    ]
    run_pytest(python, tier, "pure", paths)
    if not args.no_bench:
        run_benchmarks(python, tier, pure_benchmarks(), args.bench_size)
    return tier


# ---------------------------------------------------------------------- odoo tier
@dataclass
class OdooInstall:
    command: str
    python: str
    addons_path: str
    version: str


def find_odoo() -> tuple[OdooInstall | None, str]:
    command = os.environ.get("ODOO_BIN") or shutil.which("odoo") or shutil.which("odoo-bin")
    if not command:
        return None, "no `odoo` command on PATH (set ODOO_BIN to point at odoo-bin)"
    with open(command, "rb") as handle:
        first = handle.readline().decode(errors="replace").strip()
    python = first[2:].strip().split()[0] if first.startswith("#!") else sys.executable
    if python.endswith("/env"):
        python = shutil.which(first.split()[-1]) or sys.executable
    probe = run(
        [
            python,
            "-c",
            "import odoo, os, json; from odoo import release; "
            "base = os.path.dirname(odoo.__file__); "
            "print(json.dumps([release.version_info[0], release.version, base]))",
        ],
        capture_output=True,
        text=True,
    )
    if probe.returncode:
        return None, f"{command} found, but its Python {python} cannot import odoo"
    major, version, base = json.loads(probe.stdout.strip().splitlines()[-1])
    if major != 18:
        return None, f"{command} is Odoo {version}, not Odoo 18"
    paths = [str(ADDONS)]
    for extra in os.environ.get("ODOO_ADDONS_PATH", "").split(","):
        if extra.strip():
            paths.append(extra.strip())
    for candidate in (Path(base) / "addons", Path(base).parent / "addons"):
        if (candidate / "web" / "__manifest__.py").exists() and str(candidate) not in paths:
            paths.append(str(candidate))
    return OdooInstall(command, python, ",".join(paths), version), ""


def ensure_odoo_python_deps(odoo: OdooInstall) -> list[str]:
    missing = []
    for module, package in ODOO_PYTHON_DEPS.items():
        check = run([odoo.python, "-c", f"import {module}"], capture_output=True)
        if check.returncode:
            missing.append(package)
    # boh_core itself, from this checkout, so that Odoo finds it as a distribution too
    say(f"installing boh_core from {ROOT} into Odoo's Python")
    result = run(
        [
            odoo.python,
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            "--no-deps",
            "--force-reinstall",
            str(ROOT),
        ],
        capture_output=True,
        text=True,
    )
    if result.returncode:
        return [f"pip install boh_core into Odoo's Python failed: {result.stderr[-500:]}"]
    if not missing:
        return []
    say(f"installing into Odoo's Python ({odoo.python}): {missing}")
    result = run(
        [odoo.python, "-m", "pip", "install", "-q", "--disable-pip-version-check", *missing]
    )
    if result.returncode:
        return [f"pip install {missing} into Odoo's Python failed"]
    return []


def db_options() -> list[str]:
    """Connection options for odoo from the standard libpq variables, where set."""
    options = []
    for env, option in (
        ("PGHOST", "--db_host"),
        ("PGPORT", "--db_port"),
        ("PGUSER", "--db_user"),
        ("PGPASSWORD", "--db_password"),
    ):
        if os.environ.get(env):
            options += [option, os.environ[env]]
    return options


def ensure_postgres() -> str:
    """Start a local PostgreSQL cluster if one is installed and stopped. Returns a problem."""
    if shutil.which("pg_isready") and run(["pg_isready", "-q"]).returncode == 0:
        return ensure_role()
    if os.environ.get("PGHOST") not in (None, "", "localhost", "127.0.0.1"):
        return f"PostgreSQL at {os.environ['PGHOST']} does not answer"
    if shutil.which("pg_lsclusters") and shutil.which("pg_ctlcluster"):
        listing = run(["pg_lsclusters", "--no-header"], capture_output=True, text=True)
        for row in listing.stdout.splitlines():
            parts = row.split()
            if len(parts) >= 4 and parts[3] != "online":
                say(f"starting PostgreSQL cluster {parts[0]}/{parts[1]}")
                run(["pg_ctlcluster", parts[0], parts[1], "start"])
        for _ in range(30):
            if run(["pg_isready", "-q"]).returncode == 0:
                return ensure_role()
            time.sleep(1)
    return "PostgreSQL is not running and no local cluster could be started"


def ensure_role() -> str:
    if os.environ.get("PGUSER"):
        return ""
    check = run(["psql", "-d", "postgres", "-tAc", "select 1"], capture_output=True, text=True)
    if check.returncode == 0:
        return ""
    user = os.environ.get("USER") or subprocess.check_output(["whoami"], text=True).strip()
    if os.geteuid() == 0 and shutil.which("su"):
        say(f"creating a PostgreSQL superuser role for {user}")
        run(["su", "postgres", "-c", f"createuser -s {user}"])
        check = run(["psql", "-d", "postgres", "-tAc", "select 1"], capture_output=True)
        if check.returncode == 0:
            return ""
    return f"cannot connect to PostgreSQL as {user}"


def addon_names() -> list[str]:
    return sorted(p.parent.name for p in ADDONS.glob("*/__manifest__.py"))


LOG_TOTAL = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")
LOG_SKIP = re.compile(r" INFO \S+ (\S+): skipped (.*)$")
LOG_PROBLEM = re.compile(r"^\S+ \S+ \d+ (WARNING|ERROR|CRITICAL) \S+ (\S+): (.*)$")


def our_problem(logger: str, message: str) -> bool:
    """A warning or error that comes from our code (not from Odoo's own modules)."""
    return logger.startswith("odoo.addons.boh_") or "boh_" in message or "boh." in message


LOG_CRASH = re.compile(r"^\S+ \S+ \d+ CRITICAL \S+ \S+: (.*)$")


@dataclass
class OdooRun:
    """What one ``odoo -i ... --test-enable --stop-after-init`` run came to."""

    passed: int = 0
    failed: int = 0
    skips: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # warnings/errors of our code in the log
    crash: str = ""  # why the run cannot be trusted; empty when it ran to its end
    log: str = ""


def odoo_run_outcome(returncode: int, log: str, modules_not_installed=()) -> OdooRun:
    """Read an Odoo test run from its exit code and log.

    A run is trusted only when Odoo got to its result line, every module ended installed, and
    the exit code is the one that result line implies (0 green, 1 with failed tests): a process
    killed by a signal, a failed install, or an exit code no result explains is a crash, even
    when some tests ran and passed before it.
    """
    run_ = OdooRun(log=log)
    for line in log.splitlines():
        skip = LOG_SKIP.search(line)
        if skip and skip.group(1).startswith("odoo.addons.boh_"):
            run_.skips.append(skip.group(2))
        problem = LOG_PROBLEM.match(line)
        if problem and our_problem(problem.group(2), problem.group(3)):
            run_.problems.append(line)
    totals = LOG_TOTAL.findall(log)
    crashes = [match.group(1) for match in map(LOG_CRASH.search, log.splitlines()) if match]
    if totals:
        failed, errors, ran = (int(x) for x in totals[-1])
        run_.failed = failed + errors
        run_.passed = ran - run_.failed - len(run_.skips)
    if returncode < 0:
        run_.crash = f"Odoo was killed by signal {-returncode}"
    elif crashes:
        run_.crash = f"Odoo logged CRITICAL: {crashes[0][:300]}"
    elif not totals:
        run_.crash = f"Odoo exited {returncode} before printing its test result line"
    elif modules_not_installed:
        run_.crash = f"modules not installed at the end: {', '.join(modules_not_installed)}"
    elif returncode not in (0, 1) or (returncode == 1 and not run_.failed):
        run_.crash = f"Odoo exited {returncode}, which its result line does not explain"
    elif returncode == 0 and run_.failed:
        run_.crash = f"Odoo exited 0 although {run_.failed} test(s) failed"
    return run_


def modules_not_installed(db: str, modules: list[str]) -> list[str]:
    """Those of ``modules`` that are not in state installed in ``db`` (all if unreadable)."""
    names = ",".join(f"'{name}'" for name in modules)
    query = f"select name from ir_module_module where state = 'installed' and name in ({names})"
    result = run(["psql", "-d", db, "-tAc", query], capture_output=True, text=True)
    if result.returncode:
        return list(modules)
    installed = set(result.stdout.split())
    return [name for name in modules if name not in installed]


def odoo_test_command(odoo: OdooInstall, db: str, modules: list[str], addons_path: str, log_file):
    """Install ``modules`` into ``db`` and run their tests (all of them, when they load)."""
    return [
        odoo.command,
        "-d",
        db,
        f"--addons-path={addons_path}",
        *db_options(),
        "-i",
        ",".join(modules),
        "--test-enable",
        "--test-tags",
        ",".join(f"/{m}" for m in modules),
        "--stop-after-init",
        f"--http-port={odoo_process.free_port()}",
        "--workers=0",
        "--max-cron-threads=0",
        "--log-level=info",
        f"--logfile={log_file}",
    ]


def run_odoo_tests(odoo, db, modules, addons_path, log_file, baselines=()) -> OdooRun:
    """Install ``modules`` with their tests (and ``baselines``, untested); read the outcome."""
    log_file.unlink(missing_ok=True)
    cmd = odoo_test_command(odoo, db, list(modules), addons_path, log_file)
    if baselines:
        cmd[cmd.index("-i") + 1] += "," + ",".join(baselines)
    result = run(cmd, env=odoo_process.server_env())
    text = log_file.read_text(errors="replace") if log_file.exists() else ""
    return odoo_run_outcome(result.returncode, text, modules_not_installed(db, list(modules)))


def install_and_test(odoo: OdooInstall, db: str, tier: Tier, args) -> bool:
    """Install our addons with their tests; False when the run crashed (nothing after it runs)."""
    modules = addon_names()
    # the recipe costing benchmark compares with mrp_account's BoM cost in the same database
    baselines = [] if args.no_bench else ["mrp_account"]
    log_file = VAR / "odoo-tests.log"
    say(f"installing {', '.join(modules)} with their tests into {db} (log: {log_file})")
    started = time.monotonic()
    outcome = run_odoo_tests(odoo, db, modules, odoo.addons_path, log_file, baselines)
    say(f"install + Odoo tests finished in {time.monotonic() - started:.0f}s")
    text = log_file.read_text(errors="replace") if log_file.exists() else ""
    tier.add(passed=max(outcome.passed, 0), failed=outcome.failed, skipped=len(outcome.skips))
    for reason in outcome.skips:
        tier.skip_reasons.append(f"Odoo test skipped: {reason}")
    if outcome.failed or outcome.crash:
        print(
            "\n".join(
                line
                for line in text.splitlines()
                if " ERROR " in line
                or " CRITICAL " in line
                or line.startswith(" ")
                or line.startswith("Traceback")
                or line.startswith("AssertionError")
            )
        )
    if outcome.crash:
        tier.add(failed=1)
        tier.notes.append(f"THE ODOO RUN CRASHED: {outcome.crash} (log: {log_file})")
        loud(f"odoo: the install/test run crashed: {outcome.crash}")
        print("\n".join(text.splitlines()[-40:]))
        return False
    # a clean install is a test of its own: no warning or error in the log from our code
    if outcome.problems:
        tier.add(failed=1)
        tier.notes.append(f"{len(outcome.problems)} warning(s)/error(s) from our code in the log:")
        tier.notes.extend(outcome.problems[:20])
    else:
        tier.add(passed=1)
    return True


CANARY_MANIFEST = """{"name": "%s", "version": "18.0.1.0.0", "license": "LGPL-3",
 "depends": %r, "data": %r, "installable": True}"""
CANARY_TEST = """from odoo.tests import TransactionCase

class TestCanary(TransactionCase):
    def test_runs_before_the_crash(self):
        self.assertTrue(self.env.user)
"""
CANARY_BROKEN_DATA = """<odoo><record id="broken" model="boh.canary.no.such.model">
<field name="name">An install that fails half way</field></record></odoo>"""


def check_crash_detection(odoo: OdooInstall, tier: Tier) -> None:
    """A deliberately failing install in a throwaway database must be read as a crash.

    Two throwaway addons: one whose test passes, then one whose data cannot load. The test
    runs and passes before the install dies, the case that once passed as green.
    """
    with tempfile.TemporaryDirectory(prefix="boh_canary_") as tmp:
        root = Path(tmp)
        for name, depends, data in (
            ("boh_canary_ok", ["base"], []),
            ("boh_canary_broken", ["boh_canary_ok"], ["broken.xml"]),
        ):
            addon = root / name
            (addon / "tests").mkdir(parents=True)
            (addon / "__init__.py").write_text("")
            (addon / "__manifest__.py").write_text(CANARY_MANIFEST % (name, depends, data))
            (addon / "tests" / "__init__.py").write_text("from . import test_canary\n")
            (addon / "tests" / "test_canary.py").write_text(CANARY_TEST)
            if data:
                (addon / "broken.xml").write_text(CANARY_BROKEN_DATA)
        db = f"boh_canary_{os.getpid()}_{int(time.time())}"
        addons_path = ",".join([str(root), *odoo.addons_path.split(",")[1:]])
        say(f"crash detection: installing a deliberately broken addon into {db}")
        log_file = VAR / "odoo-canary.log"
        try:
            outcome = run_odoo_tests(
                odoo, db, ["boh_canary_ok", "boh_canary_broken"], addons_path, log_file
            )
        finally:
            run(["dropdb", "--if-exists", db], capture_output=True)
    if "TestCanary.test_runs_before_the_crash" not in outcome.log:
        outcome.crash = ""  # the canary's own test must run before the crash, or it proves nothing
    if outcome.crash:
        say(f"crash detection ok: {outcome.crash}")
        tier.add(passed=1)
    else:
        tier.add(failed=1)
        tier.notes.append("a deliberately broken install was not detected as a crash")


def check_translations(odoo: OdooInstall, db: str, tier: Tier) -> None:
    """Every string Odoo exports for our addons has a zh_CN translation (one test)."""
    export = VAR / "boh_export.pot"
    export.unlink(missing_ok=True)
    modules = ",".join(addon_names())
    say(f"exporting the translatable strings of {modules} to check zh_CN")
    run(
        [
            odoo.command,
            "-d",
            db,
            f"--addons-path={odoo.addons_path}",
            *db_options(),
            f"--i18n-export={export}",
            f"--modules={modules}",
            "--stop-after-init",
            f"--http-port={odoo_process.free_port()}",
            "--log-level=warn",
        ],
        env=odoo_process.server_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    if not export.exists():
        tier.add(failed=1)
        tier.notes.append("could not export the translatable strings")
        return
    result = run(
        [odoo.python, str(ROOT / "scripts" / "check_translations.py"), str(export), str(ADDONS)],
        capture_output=True,
        text=True,
    )
    print(result.stdout, end="")
    if result.returncode:
        tier.add(failed=1)
        tier.notes.append("zh_CN translations are missing; see above")
    else:
        tier.add(passed=1)


# ---------------------------------------------------------------------- upgrade path
#: The last release: its version, and the commit it was made from (tagged with the version, but
#: read by hash so that a clone without tags works). The upgrade step installs that commit's
#: addons into a throwaway database and upgrades it to the working tree. Move both on a release.
RELEASE_VERSION = "18.0.1.0.0"
RELEASE_COMMIT = "7a61f32a7b173d8aceacadf459301c1884aacc60"

#: What the upgrade step compares between the fresh and the upgraded database, as one JSON
#: object ``{category: {key: {attribute: value}}}``. "Ours": a BOH model (``boh.*``) or a record
#: with an XML id of a ``boh_*`` module; for ``columns``, the database columns of ``boh_*`` tables
#: and ``boh_*`` columns anywhere. Groups are named by XML id (else their English name), never by
#: database id.
SNAPSHOT_SQL = r"""
WITH xid AS (
    SELECT model, res_id, min(module || '.' || name) AS xmlid,
           bool_or(module LIKE 'boh\_%') AS ours
      FROM ir_model_data GROUP BY model, res_id
), grp AS (
    SELECT g.id, coalesce(x.xmlid, g.name->>'en_US') AS ref, coalesce(x.ours, false) AS ours
      FROM res_groups g LEFT JOIN xid x ON x.model = 'res.groups' AND x.res_id = g.id
), rules AS (
    SELECT coalesce(x.xmlid, m.model || ': ' || r.name) AS key, json_build_object(
               'model', m.model, 'name', r.name, 'domain_force', r.domain_force,
               'active', r.active, 'global', r.global,
               'perm_read', r.perm_read, 'perm_write', r.perm_write,
               'perm_create', r.perm_create, 'perm_unlink', r.perm_unlink,
               'groups', (SELECT coalesce(json_agg(g.ref ORDER BY g.ref), '[]')
                            FROM rule_group_rel rel JOIN grp g ON g.id = rel.group_id
                           WHERE rel.rule_group_id = r.id)) AS value
      FROM ir_rule r JOIN ir_model m ON m.id = r.model_id
      LEFT JOIN xid x ON x.model = 'ir.rule' AND x.res_id = r.id
     WHERE m.model LIKE 'boh.%' OR x.ours
), access AS (
    SELECT coalesce(x.xmlid, m.model || ' / ' || coalesce(g.ref, 'everyone')) AS key,
           json_build_object(
               'model', m.model, 'group', g.ref, 'active', a.active,
               'perm_read', a.perm_read, 'perm_write', a.perm_write,
               'perm_create', a.perm_create, 'perm_unlink', a.perm_unlink) AS value
      FROM ir_model_access a JOIN ir_model m ON m.id = a.model_id
      LEFT JOIN grp g ON g.id = a.group_id
      LEFT JOIN xid x ON x.model = 'ir.model.access' AND x.res_id = a.id
     WHERE m.model LIKE 'boh.%' OR x.ours
), groups AS (
    SELECT g.ref AS key, json_build_object(
               'name', rg.name->>'en_US', 'share', rg.share,
               'category', (SELECT x.xmlid FROM xid x
                             WHERE x.model = 'ir.module.category' AND x.res_id = rg.category_id),
               'implied', (SELECT coalesce(json_agg(h.ref ORDER BY h.ref), '[]')
                             FROM res_groups_implied_rel rel JOIN grp h ON h.id = rel.hid
                            WHERE rel.gid = g.id),
               'implied_by', (SELECT coalesce(json_agg(h.ref ORDER BY h.ref), '[]')
                                FROM res_groups_implied_rel rel JOIN grp h ON h.id = rel.gid
                               WHERE rel.hid = g.id)) AS value
      FROM grp g JOIN res_groups rg ON rg.id = g.id
     WHERE g.ours
), fields AS (
    SELECT f.model || '.' || f.name AS key, json_build_object(
               'type', f.ttype, 'string', f.field_description->>'en_US',
               'relation', f.relation, 'relation_field', f.relation_field,
               'relation_table', f.relation_table, 'related', f.related,
               'required', f.required, 'readonly', f.readonly, 'store', f.store,
               'index', f.index, 'copied', f.copied, 'translate', f.translate,
               'company_dependent', f.company_dependent, 'on_delete', f.on_delete,
               'domain', f.domain, 'tracking', f.tracking, 'state', f.state,
               'groups', (SELECT coalesce(json_agg(g.ref ORDER BY g.ref), '[]')
                            FROM ir_model_fields_group_rel rel JOIN grp g ON g.id = rel.group_id
                           WHERE rel.field_id = f.id),
               'selection', (SELECT json_agg(s.value ORDER BY s.sequence, s.value)
                               FROM ir_model_fields_selection s WHERE s.field_id = f.id)) AS value
      FROM ir_model_fields f
      LEFT JOIN xid x ON x.model = 'ir.model.fields' AND x.res_id = f.id
     WHERE f.model LIKE 'boh.%' OR x.ours
), crons AS (
    SELECT x.xmlid AS key, json_build_object(
               'name', c.cron_name, 'model', s.model_name, 'code', s.code,
               'active', c.active, 'priority', c.priority,
               'interval', c.interval_number || ' ' || c.interval_type,
               'user', (SELECT u.xmlid FROM xid u
                         WHERE u.model = 'res.users' AND u.res_id = c.user_id)) AS value
      FROM ir_cron c JOIN ir_act_server s ON s.id = c.ir_actions_server_id
      JOIN xid x ON x.model = 'ir.cron' AND x.res_id = c.id
     WHERE x.ours
), columns AS (
    -- a field renamed or removed without a migration leaves its column (and its values) behind
    SELECT c.table_name || '.' || c.column_name AS key, json_build_object(
               'type', c.data_type, 'nullable', c.is_nullable) AS value
      FROM information_schema.columns c
      JOIN information_schema.tables t
        ON t.table_schema = c.table_schema AND t.table_name = c.table_name
     WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
       AND (c.table_name LIKE 'boh\_%' OR c.column_name LIKE 'boh\_%')
), menus AS (
    SELECT x.xmlid AS key, json_build_object(
               'name', m.name->>'en_US', 'active', m.active, 'sequence', m.sequence,
               'parent', (SELECT p.xmlid FROM xid p
                           WHERE p.model = 'ir.ui.menu' AND p.res_id = m.parent_id),
               'action', (SELECT a.xmlid FROM xid a
                           WHERE a.model = split_part(m.action, ',', 1)
                             AND a.res_id::text = split_part(m.action, ',', 2)),
               'groups', (SELECT coalesce(json_agg(g.ref ORDER BY g.ref), '[]')
                            FROM ir_ui_menu_group_rel rel JOIN grp g ON g.id = rel.gid
                           WHERE rel.menu_id = m.id)) AS value
      FROM ir_ui_menu m JOIN xid x ON x.model = 'ir.ui.menu' AND x.res_id = m.id
     WHERE x.ours
)
SELECT json_build_object(
    'ir.rule', (SELECT coalesce(json_object_agg(key, value), '{}') FROM rules),
    'ir.model.access', (SELECT coalesce(json_object_agg(key, value), '{}') FROM access),
    'res.groups', (SELECT coalesce(json_object_agg(key, value), '{}') FROM groups),
    'ir.model.fields', (SELECT coalesce(json_object_agg(key, value), '{}') FROM fields),
    'ir.cron', (SELECT coalesce(json_object_agg(key, value), '{}') FROM crons),
    'ir.ui.menu', (SELECT coalesce(json_object_agg(key, value), '{}') FROM menus),
    'columns', (SELECT coalesce(json_object_agg(key, value), '{}') FROM columns))
"""


def upgrade_plan(released: list[str], working: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(modules to upgrade with ``-u``, new ones to install with ``-i``, removed ones)."""
    update = sorted(set(released) & set(working))
    return update, sorted(set(working) - set(released)), sorted(set(released) - set(working))


def compare_snapshots(fresh: dict, upgraded: dict) -> list[str]:
    """Every difference between two snapshots (``{category: {key: {attribute: value}}}``), one
    line each, naming the category, the record and the attribute with both values."""
    differences = []
    for category in sorted(set(fresh) | set(upgraded)):
        ours, theirs = fresh.get(category) or {}, upgraded.get(category) or {}
        for key in sorted(set(ours) | set(theirs)):
            if key not in theirs:
                differences.append(
                    f"{category} {key}: in the fresh install only: {_brief(ours[key])}"
                )
            elif key not in ours:
                differences.append(
                    f"{category} {key}: in the upgraded database only: {_brief(theirs[key])}"
                )
            else:
                for attribute in sorted(set(ours[key]) | set(theirs[key])):
                    before, after = ours[key].get(attribute), theirs[key].get(attribute)
                    if before != after:
                        differences.append(
                            f"{category} {key}: {attribute}: fresh {before!r}, upgraded {after!r}"
                        )
    return differences


def dropped_fields(released: dict, upgraded: dict) -> list[str]:
    """Stored fields of the release that the upgrade removed: Odoo drops their columns, so their
    values are gone unless a migration moved them (a renamed field needs a pre-migration)."""
    before, after = released.get("ir.model.fields") or {}, upgraded.get("ir.model.fields") or {}
    return sorted(key for key, field_ in before.items() if field_.get("store") and key not in after)


def _brief(value: dict) -> str:
    """A record's values in one line (the attributes that say most first)."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return text if len(text) <= 300 else text[:297] + "..."


def database_snapshot(db: str) -> tuple[dict | None, str]:
    """The snapshot of ``db`` (see ``SNAPSHOT_SQL``), or None and why not."""
    result = run(
        ["psql", "-X", "-v", "ON_ERROR_STOP=1", "-d", db, "-tAc", SNAPSHOT_SQL],
        capture_output=True,
        text=True,
    )
    if result.returncode:
        return None, f"cannot read {db}: {result.stderr.strip()[-500:]}"
    return json.loads(result.stdout), ""


def release_sources(dest: Path) -> str:
    """Write the released ``addons`` and ``boh_core`` into ``dest``; answer a problem or ''.

    The release is read from git history by its commit hash: a clone whose history lacks it
    (a shallow clone, a copy without ``.git``) cannot prove the upgrade path, and says so.
    """
    git = ["git", "-c", "safe.directory=*", "-C", str(ROOT)]
    if not shutil.which("git"):
        return "git is not installed: cannot read the release from history"
    check = run([*git, "cat-file", "-e", f"{RELEASE_COMMIT}^{{commit}}"], capture_output=True)
    if check.returncode:
        return (
            f"the release {RELEASE_VERSION} (commit {RELEASE_COMMIT}) is not in this clone's "
            "history: fetch it (git fetch --unshallow, or a full clone) to test the upgrade path"
        )
    archive = subprocess.Popen(
        [*git, "archive", RELEASE_COMMIT, "addons", "boh_core"], stdout=subprocess.PIPE
    )
    extract = run(["tar", "-x", "-C", str(dest)], stdin=archive.stdout, capture_output=True)
    archive.stdout.close()
    if archive.wait() or extract.returncode:
        return f"git archive {RELEASE_COMMIT} failed: {extract.stderr.decode()[-300:]}"
    return ""


@dataclass
class ReleaseDatabase:
    """The released addons being installed into a throwaway database, in the background."""

    db: str
    tmp: Path
    modules: list[str] = field(default_factory=list)
    process: subprocess.Popen | None = None
    log_file: Path = VAR / "odoo-release.log"
    started_at: float = 0.0  # wall clock, to compare with the log's last write
    problem: str = ""


def start_release_install(odoo: OdooInstall) -> ReleaseDatabase:
    """Start installing the release (with demo data) into a throwaway database while the
    working tree's tests run: only the upgrade itself adds to the tier's time."""
    release = ReleaseDatabase(
        db=f"boh_release_{os.getpid()}_{int(time.time())}",
        tmp=Path(tempfile.mkdtemp(prefix="boh_release_")),
    )
    release.problem = release_sources(release.tmp)
    if release.problem:
        return release
    addons = release.tmp / "addons"
    release.modules = sorted(p.parent.name for p in addons.glob("*/__manifest__.py"))
    addons_path = ",".join([str(addons), *odoo.addons_path.split(",")[1:]])
    release.log_file.unlink(missing_ok=True)
    cmd = [
        odoo.command,
        "-d",
        release.db,
        f"--addons-path={addons_path}",
        *db_options(),
        "-i",
        ",".join(release.modules),
        "--stop-after-init",
        f"--http-port={odoo_process.free_port()}",
        "--workers=0",
        "--max-cron-threads=0",
        "--log-level=info",
        f"--logfile={release.log_file}",
    ]
    # the release's own boh_core, not the working tree's (nor the one installed from it)
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(filter(None, [str(release.tmp), os.environ.get("PYTHONPATH")])),
    )
    say(f"installing release {RELEASE_VERSION} ({RELEASE_COMMIT[:10]}) into {release.db}")
    release.started_at = time.time()
    release.process = subprocess.Popen(
        cmd, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    return release


def upgrade_problems(log: str) -> list[str]:
    """The lines of an install or upgrade log that make it untrustworthy: any ERROR or CRITICAL,
    and warnings from our code."""
    problems = []
    for line in log.splitlines():
        problem = LOG_PROBLEM.match(line)
        if problem and (problem.group(1) != "WARNING" or our_problem(*problem.group(2, 3))):
            problems.append(line)
    return problems


def finish_release_install(release: ReleaseDatabase) -> str:
    """Wait for the release's install; answer a problem or ''."""
    returncode = release.process.wait()
    log = release.log_file.read_text(errors="replace") if release.log_file.exists() else ""
    if release.log_file.exists():
        # the install ends with its last log line, often long before the tests it ran beside
        took = release.log_file.stat().st_mtime - release.started_at
        say(f"release {RELEASE_VERSION} installed in {took:.0f}s (beside the tests)")
    missing = modules_not_installed(release.db, release.modules)
    problems = upgrade_problems(log)
    if returncode or missing or problems:
        print("\n".join(problems[:20] or log.splitlines()[-30:]))
        return (
            f"installing release {RELEASE_VERSION} failed (exit {returncode}, not installed: "
            f"{', '.join(missing) or 'none'}; log: {release.log_file})"
        )
    return ""


def upgrade_release(odoo: OdooInstall, release: ReleaseDatabase) -> str:
    """Upgrade the release's database to the working tree (``-u``, and ``-i`` for new
    modules); answer a problem or ''."""
    update, install, removed = upgrade_plan(release.modules, addon_names())
    if removed:
        return f"modules removed since {RELEASE_VERSION} need an uninstall path: {removed}"
    log_file = VAR / "odoo-upgrade.log"
    log_file.unlink(missing_ok=True)
    cmd = [
        odoo.command,
        "-d",
        release.db,
        f"--addons-path={odoo.addons_path}",
        *db_options(),
        "-u",
        ",".join(update),
        *(["-i", ",".join(install)] if install else []),
        "--stop-after-init",
        f"--http-port={odoo_process.free_port()}",
        "--workers=0",
        "--max-cron-threads=0",
        "--log-level=info",
        f"--logfile={log_file}",
    ]
    say(
        f"upgrading {release.db} to the working tree: -u {','.join(update)}"
        + (f" -i {','.join(install)}" if install else "")
    )
    started = time.monotonic()
    # a module new since the release may be the living demo: its history is not what this
    # step compares, so keep it to a week (its default is half a year)
    env = dict(odoo_process.server_env(), BOH_DEMO_DAYS=os.environ.get("BOH_DEMO_DAYS", "7"))
    result = run(cmd, env=env, stdout=subprocess.DEVNULL)
    say(f"upgrade finished in {time.monotonic() - started:.0f}s with code {result.returncode}")
    log = log_file.read_text(errors="replace") if log_file.exists() else ""
    missing = modules_not_installed(release.db, update + install)
    problems = upgrade_problems(log)
    if result.returncode or missing or problems:
        print("\n".join(problems[:20] or log.splitlines()[-30:]))
        return (
            f"upgrading from {RELEASE_VERSION} failed (exit {result.returncode}, not installed: "
            f"{', '.join(missing) or 'none'}; log: {log_file})"
        )
    return ""


def check_upgrade(odoo: OdooInstall, fresh_db: str, release: ReleaseDatabase, tier: Tier) -> None:
    """The upgrade path is a test of its own: the release, upgraded to the working tree, has
    the same rules, access, groups, fields, crons and menus as the fresh install."""
    started = time.monotonic()
    problem = release.problem or finish_release_install(release)
    upgrade_started = time.monotonic()
    released = {}
    if not problem:
        released, problem = database_snapshot(release.db)
    problem = problem or upgrade_release(odoo, release)
    differences = []
    if not problem:
        fresh, why = database_snapshot(fresh_db)
        upgraded, why_not = database_snapshot(release.db)
        problem = why or why_not
        if not problem:
            differences = compare_snapshots(fresh, upgraded)
            counted = ", ".join(f"{len(fresh[c])} {c}" for c in sorted(fresh))
            say(f"upgrade path from {RELEASE_VERSION}: compared {counted}")
            for key in dropped_fields(released, upgraded):
                say(f"the upgrade removed the stored field {key} (a rename needs a migration)")
    say(
        f"upgrade step: waited {upgrade_started - started:.0f}s for the release's install, "
        f"then {time.monotonic() - upgrade_started:.0f}s to upgrade and compare"
    )
    if problem:
        tier.add(failed=1)
        tier.notes.append(f"UPGRADE PATH: {problem}")
        loud(f"odoo: upgrade path from {RELEASE_VERSION}: {problem}")
    elif differences:
        tier.add(failed=1)
        tier.notes.append(
            f"UPGRADE PATH: {len(differences)} difference(s) between a fresh install and "
            f"{RELEASE_VERSION} upgraded (a noupdate record needs a migration script):"
        )
        tier.notes.extend(differences[:200])
        loud(f"odoo: the upgrade from {RELEASE_VERSION} differs from a fresh install")
        print("\n".join(differences))
    else:
        say(f"upgrade path from {RELEASE_VERSION} ok: the upgraded database agrees")
        tier.add(passed=1)


def drop_release(release: ReleaseDatabase | None, keep: bool = False) -> None:
    """Stop the release's install if it still runs; drop its database (unless ``keep``) and
    sources."""
    if release is None:
        return
    if release.process is not None:
        odoo_process.stop(release.process)
    shutil.rmtree(release.tmp, ignore_errors=True)
    if keep:
        say(f"keeping database {release.db} (the release, upgraded)")
        return
    run(["dropdb", "--if-exists", release.db], capture_output=True)
    shutil.rmtree(
        Path.home() / ".local" / "share" / "Odoo" / "filestore" / release.db, ignore_errors=True
    )


def serve_and_test_e2e(odoo: OdooInstall, db: str, python: Path, tier: Tier, args) -> None:
    port = odoo_process.free_port()
    server_cmd = [
        odoo.command,
        "-d",
        db,
        f"--addons-path={odoo.addons_path}",
        *db_options(),
        f"--http-port={port}",
        "--workers=0",
        "--max-cron-threads=0",
        "--log-level=warn",
        f"--db-filter=^{db}$",
        f"--logfile={VAR / 'odoo-e2e.log'}",
    ]
    env = odoo_process.server_env()
    e2e_env = dict(
        env,
        BOH_ODOO_URL=f"http://127.0.0.1:{port}",
        BOH_ODOO_DB=db,
        BOH_ODOO_LOGIN="admin",
        BOH_ODOO_PASSWORD="admin",
        BOH_ODOO_SERVER_CMD=json.dumps(server_cmd),
    )
    e2e_dirs = [p for p in ("tests/e2e",) if any((ROOT / p).glob("test_*.py"))]
    if e2e_dirs:
        say(f"serving {db} on port {port} for the end-to-end tests")
        server = odoo_process.start(server_cmd)
        try:
            if not odoo_process.wait_for_http(f"http://127.0.0.1:{port}/web/login", 180, server):
                tier.add(failed=1)
                tier.notes.append("the Odoo server for the end-to-end tests did not start")
            else:
                run_pytest(python, tier, "e2e", e2e_dirs, env=e2e_env)
        finally:
            odoo_process.stop(server)
    else:
        tier.notes.append("no end-to-end tests found under tests/e2e")
    if not args.no_bench:
        bench_env = dict(
            env,
            BOH_ODOO_DB=db,
            BOH_ODOO_ADDONS_PATH=odoo.addons_path,
            BOH_ODOO_DB_OPTIONS=json.dumps(db_options()),
        )
        run_benchmarks(Path(odoo.python), tier, odoo_benchmarks(), args.bench_size, env=bench_env)


def drop_database(odoo: OdooInstall, db: str) -> None:
    run(["dropdb", "--if-exists", db], capture_output=True)
    filestore = Path.home() / ".local" / "share" / "Odoo" / "filestore" / db
    shutil.rmtree(filestore, ignore_errors=True)


def odoo_tier(args, python: Path) -> Tier:
    tier = Tier("odoo")
    odoo, why = find_odoo()
    if not odoo:
        tier.skip_reasons.append(f"ODOO TIER SKIPPED: {why}")
        tier.notes.append("tier skipped")
        return tier
    say(f"Odoo {odoo.version} at {odoo.command} (Python {odoo.python})")
    problems = ensure_debian_packages() + ensure_odoo_python_deps(odoo)
    postgres = ensure_postgres()
    if postgres:
        problems.append(postgres)
    if problems:
        tier.add(failed=1)
        tier.notes.extend(problems)
        return tier
    VAR.mkdir(exist_ok=True)
    db = f"boh_test_{os.getpid()}_{int(time.time())}"
    release = None
    try:
        release = start_release_install(odoo)
        check_crash_detection(odoo, tier)
        if install_and_test(odoo, db, tier, args):
            check_translations(odoo, db, tier)
            # before the end-to-end tests write into the fresh database
            check_upgrade(odoo, db, release, tier)
            serve_and_test_e2e(odoo, db, python, tier, args)
    finally:
        drop_release(release, keep=args.keep_db)
        if args.keep_db:
            say(f"keeping database {db}")
        else:
            drop_database(odoo, db)
    return tier


# ---------------------------------------------------------------------- main
def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tier", choices=("all", "pure", "odoo"), default="all")
    parser.add_argument("--bench-size", default="small", choices=("small", "full"))
    parser.add_argument("--no-bench", action="store_true", help="skip the benchmarks")
    parser.add_argument("--keep-db", action="store_true", help="don't drop the test database")
    args = parser.parse_args(argv)

    started = time.monotonic()
    tiers = []
    python = ensure_venv() if args.tier == "odoo" else None
    if args.tier in ("all", "pure"):
        tiers.append(pure_tier(args))
        python = VENV / "bin" / "python"
    if args.tier in ("all", "odoo"):
        tiers.append(odoo_tier(args, python))

    allow_skips = os.environ.get("BOH_ALLOW_SKIPS") == "1"
    print("\n" + "=" * 78)
    failed = False
    for tier in tiers:
        for note in tier.notes:
            print(f"  {tier.name}: {note}")
        for reason in tier.skip_reasons:
            loud(f"{tier.name}: SKIPPED: {reason}")
        if tier.failed or ((tier.skipped or tier.skip_reasons) and not allow_skips):
            failed = True
    print(f"took {time.monotonic() - started:.0f}s")
    for tier in tiers:
        print(tier.line())
    total = Tier("total")
    for tier in tiers:
        total.add(tier.passed, tier.failed, tier.skipped)
    if failed and not total.failed:
        print("skips are failures here (set BOH_ALLOW_SKIPS=1 to accept them)")
    print(total.line())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
