#!/usr/bin/env python3
"""The one test command of the BOH suite (``make test``).

Two tiers:

* pure: ``boh_core`` and the client, in a virtual environment this script creates (``.venv``),
  plus every pure benchmark at its small size;
* odoo: wherever Odoo 18 is installed (an ``odoo`` command on PATH, or ``ODOO_BIN``), under the
  Python that runs Odoo: starts PostgreSQL if it is installed and stopped, installs the four
  addons with their tests in a fresh database (browser tours in Chromium included), serves that
  database on a free port for the end-to-end XML-RPC tests, runs the Odoo benchmarks at their
  small size and drops the database.

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
}
# Debian package -> how to tell it is already there (a path, or a shared library name)
DEBIAN_PACKAGES = {"chromium": "/usr/bin/chromium", "libzbar0": "lib:zbar"}


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


def run_benchmarks(
    python: Path, tier: Tier, scripts: list[Path], size: str, extra=(), env=None
) -> None:
    """Each benchmark counts as one test: it must run and exit 0."""
    for script in scripts:
        say(f"benchmark {script.relative_to(ROOT)} --size {size}")
        started = time.monotonic()
        result = run([str(python), str(script), "--size", size, *extra], cwd=ROOT, env=env)
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
        for p in ("tests/core", "tests/client", "tests/test_docker.py", "tests/test_repository.py")
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


def install_and_test(odoo: OdooInstall, db: str, tier: Tier, args) -> bool:
    modules = addon_names()
    # the recipe costing benchmark compares with mrp_account's BoM cost in the same database
    baselines = [] if args.no_bench else ["mrp_account"]
    log_file = VAR / "odoo-tests.log"
    log_file.unlink(missing_ok=True)
    cmd = [
        odoo.command,
        "-d",
        db,
        f"--addons-path={odoo.addons_path}",
        *db_options(),
        "-i",
        ",".join(modules + baselines),
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
    say(f"installing {', '.join(modules)} with their tests into {db} (log: {log_file})")
    started = time.monotonic()
    result = run(cmd, env=odoo_process.server_env())
    say(
        f"install + Odoo tests finished in {time.monotonic() - started:.0f}s "
        f"with code {result.returncode}"
    )
    text = log_file.read_text(errors="replace") if log_file.exists() else ""
    totals = LOG_TOTAL.findall(text)
    problems = []
    skips = []
    for line in text.splitlines():
        skip = LOG_SKIP.search(line)
        if skip and skip.group(1).startswith("odoo.addons.boh_"):
            skips.append(skip.group(2))
        problem = LOG_PROBLEM.match(line)
        if problem and our_problem(problem.group(2), problem.group(3)):
            problems.append(line)
    if not totals:
        tier.add(failed=1)
        tier.notes.append("the Odoo test run printed no result line; see the log above")
        print("\n".join(text.splitlines()[-60:]))
        return False
    failed, errors, ran = (int(x) for x in totals[-1])
    tier.add(passed=ran - failed - errors - len(skips), failed=failed + errors, skipped=len(skips))
    for reason in skips:
        tier.skip_reasons.append(f"Odoo test skipped: {reason}")
    if failed or errors:
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
    # a clean install is a test of its own: no warning or error in the log from our code
    if problems:
        tier.add(failed=1)
        tier.notes.append(f"{len(problems)} warning(s)/error(s) from our code in the log:")
        tier.notes.extend(problems[:20])
    else:
        tier.add(passed=1)
    return result.returncode == 0 or bool(totals)


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
    try:
        if install_and_test(odoo, db, tier, args):
            check_translations(odoo, db, tier)
            serve_and_test_e2e(odoo, db, python, tier, args)
    finally:
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
