"""Structure of the Docker set-up (docker/compose.yaml, docker/Dockerfile, scripts/boh-serve).

Docker may not run where the tests run, so these tests read the files and check that they still
fit together and with the repository: services, volumes, what the image installs, that every
file it copies exists, and that the start-up script installs exactly the addons in addons/.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parent.parent
DOCKER = ROOT / "docker"
COMPOSE = DOCKER / "compose.yaml"
DOCKERFILE = DOCKER / "Dockerfile"
BOH_SERVE = ROOT / "scripts" / "boh-serve"
PYTHON_DEPS = [
    "pandas",
    "scikit-learn",
    "holidays",
    "qrcode",
    "pyzbar",
    "websocket-client",
    "dask[distributed]",  # the forecast's Dask client, and the dask profile's scheduler/workers
]


# ---------------------------------------------------------------------- helpers
@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined, comments dropped."""
    lines, current = [], ""
    for raw in DOCKERFILE.read_text().splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):  # comment inside a continued instruction
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        current += line
        word, _, rest = current.partition(" ")
        lines.append((word.upper(), rest.strip()))
        current = ""
    assert not current, "the Dockerfile ends inside a continued line"
    return lines


def run_text() -> str:
    return "\n".join(args for word, args in instructions() if word == "RUN")


def copies() -> list[tuple[list[str], str]]:
    """(sources, destination) of every COPY, flags such as --chown dropped."""
    result = []
    for word, args in instructions():
        if word != "COPY":
            continue
        parts = [p for p in shlex.split(args) if not p.startswith("--")]
        assert len(parts) >= 2, f"COPY {args}"
        result.append((parts[:-1], parts[-1]))
    return result


def env_of(service: dict) -> dict:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: str(v) for k, v in env.items()}


def command_of(service: dict) -> list[str]:
    command = service.get("command", [])
    return shlex.split(command) if isinstance(command, str) else list(command)


def volume_targets(service: dict) -> dict[str, str]:
    """container path -> source, for short and long volume syntax."""
    targets = {}
    for volume in service.get("volumes", []):
        if isinstance(volume, str):
            source, target = volume.split(":")[:2]
        else:
            source, target = volume.get("source", ""), volume["target"]
        targets[target] = source
    return targets


def resolve(source: str) -> Path:
    """A bind-mount source of the compose file as a path in the repository."""
    return (COMPOSE.parent / source).resolve()


def addon_folders() -> set[str]:
    return {p.parent.name for p in (ROOT / "addons").glob("*/__manifest__.py")}


def boh_serve_modules() -> set[str]:
    match = re.search(r'^BOH_MODULES="([^"]*)"', BOH_SERVE.read_text(), re.MULTILINE)
    assert match, 'scripts/boh-serve must set BOH_MODULES="a,b,..." on one line'
    return {m.strip() for m in match.group(1).split(",") if m.strip()}


# ---------------------------------------------------------------------- compose
def test_services_exist(services):
    assert {"db", "odoo", "tests"} <= set(services)


def test_db_is_postgres16_with_healthcheck(services):
    db = services["db"]
    assert db["image"] == "postgres:16"
    env = env_of(db)
    assert env["POSTGRES_USER"] == "odoo"
    assert env["POSTGRES_PASSWORD"] == "odoo"
    assert env["POSTGRES_DB"] == "postgres"
    test = db["healthcheck"]["test"]
    assert "pg_isready" in (test if isinstance(test, str) else " ".join(test))
    assert "/var/lib/postgresql/data" in volume_targets(db)


def test_named_volumes_are_declared(compose, services):
    declared = set(compose.get("volumes") or {})
    for name, service in services.items():
        for target, source in volume_targets(service).items():
            if source and not source.startswith((".", "/", "~")):
                assert source in declared, f"{name}: volume {source} ({target}) not declared"


def assert_built_from_dockerfile(service):
    build = service["build"]
    assert resolve(build["context"]) == ROOT, "build context must be the repository root"
    assert (resolve(build["context"]) / build["dockerfile"]).resolve() == DOCKERFILE


def assert_waits_for_healthy_db(service):
    depends = service["depends_on"]
    assert isinstance(depends, dict), "depends_on must use the long form with a condition"
    assert depends["db"]["condition"] == "service_healthy"


def test_odoo_service(services):
    odoo = services["odoo"]
    assert_built_from_dockerfile(odoo)
    assert_waits_for_healthy_db(odoo)
    assert any(str(p).split(":")[-2:] == ["8069", "8069"] for p in odoo["ports"])
    env = env_of(odoo)
    assert env["BOH_DB"] == "boh_demo"
    assert (env["HOST"], env["USER"], env["PASSWORD"]) == ("db", "odoo", "odoo")
    assert command_of(odoo)[0] == "boh-serve"
    volumes = volume_targets(odoo)
    assert resolve(volumes["/mnt/extra-addons"]) == ROOT / "addons"
    assert "/var/lib/odoo" in volumes
    assert "profiles" not in odoo, "odoo must start with a plain `docker compose up`"


def test_tests_service(services):
    tests = services["tests"]
    assert "test" in tests["profiles"]
    assert_built_from_dockerfile(tests)
    assert_waits_for_healthy_db(tests)
    volumes = volume_targets(tests)
    assert resolve(volumes["/src"]) == ROOT
    assert tests["working_dir"] == "/src"
    assert command_of(tests) == ["make", "test"]
    env = env_of(tests)
    assert (env["PGHOST"], env["PGUSER"], env["PGPASSWORD"]) == ("db", "odoo", "odoo")
    assert (env["HOST"], env["USER"], env["PASSWORD"]) == ("db", "odoo", "odoo")
    # the host's .venv must not be used (nor rebuilt) by the container
    assert "/src/.venv" in volumes and not volumes["/src/.venv"].startswith((".", "/"))


def test_make_test_exists():
    makefile = ROOT / "Makefile"
    assert makefile.exists(), "the tests service runs `make test`: the Makefile is missing"
    assert re.search(r"^test:", makefile.read_text(), re.MULTILINE)


# ---------------------------------------------------------------------- Dockerfile
def test_dockerfile_starts_from_odoo18():
    first = instructions()[0]
    assert first == ("FROM", "odoo:18")


def test_dockerfile_installs_system_packages():
    text = run_text()
    assert "apt-get install" in text
    for package in ("libzbar0", "chromium", "make"):
        assert re.search(rf"(?<![\w-]){package}", text), f"{package} is not installed"


def test_dockerfile_installs_python_dependencies():
    pip_runs = [r for r in run_text().splitlines() if "pip3 install" in r or "pip install" in r]
    assert pip_runs, "no pip install in the Dockerfile"
    text = " ".join(pip_runs)
    assert "--break-system-packages" in text
    for package in PYTHON_DEPS:
        assert re.search(rf"(?<![\w-]){re.escape(package)}(?![\w-])", text), package
    # boh_core: the copied sources (pyproject.toml + boh_core/) are pip-installed
    copied = {dest.rstrip("/") for _, dest in copies() if dest.startswith("/tmp/boh-src")}
    assert copied, "boh_core sources are not copied into the image"
    assert "/tmp/boh-src" in text


def test_dockerfile_copies_boh_core_addons_and_boh_serve():
    sources = {(src, dest) for srcs, dest in copies() for src in srcs}
    assert ("pyproject.toml", "/tmp/boh-src/") in sources
    assert ("README.md", "/tmp/boh-src/") in sources  # pyproject.toml's readme
    assert ("boh_core", "/tmp/boh-src/boh_core") in sources
    assert ("addons", "/mnt/extra-addons") in sources
    assert ("scripts/boh-serve", "/usr/local/bin/boh-serve") in sources


def test_every_copied_file_exists():
    for sources, _ in copies():
        for source in sources:
            assert (ROOT / source).exists(), f"the Dockerfile copies {source}, which is missing"


def test_copied_files_are_not_dockerignored():
    ignore = ROOT / ".dockerignore"
    assert ignore.exists(), ".dockerignore must sit at the build context root"
    patterns = [
        line.strip().rstrip("/")
        for line in ignore.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for needed in (".venv", ".git", "__pycache__", "var"):
        assert any(p.endswith(needed) for p in patterns), f"{needed} should be dockerignored"
    for sources, _ in copies():
        for source in sources:
            assert source not in patterns, f"{source} is copied but dockerignored"


def test_dockerfile_ends_as_odoo_user():
    users = [args for word, args in instructions() if word == "USER"]
    assert users and users[0] == "root" and users[-1] == "odoo"


# ---------------------------------------------------------------------- boh-serve
def test_boh_serve_is_an_executable_bash_script():
    assert BOH_SERVE.exists()
    assert os.access(BOH_SERVE, os.X_OK), "scripts/boh-serve must be executable (chmod +x)"
    text = BOH_SERVE.read_text()
    assert text.startswith("#!/usr/bin/env bash") or text.startswith("#!/bin/bash")
    assert "set -euo pipefail" in text
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash not available")
    result = subprocess.run([bash, "-n", str(BOH_SERVE)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_boh_serve_names_the_four_addons():
    text = BOH_SERVE.read_text()
    for name in ("boh_inventory", "boh_pos_bridge", "boh_forecast", "boh_maintenance"):
        assert name in text


def test_boh_serve_installs_every_addon():
    assert boh_serve_modules() == addon_folders(), (
        "BOH_MODULES in scripts/boh-serve must list exactly the addons under addons/"
    )


def test_boh_serve_honours_connection_settings():
    text = BOH_SERVE.read_text()
    for var in (
        "HOST",
        "PORT",
        "USER",
        "PASSWORD",
        "PGHOST",
        "PGPORT",
        "PGUSER",
        "PGPASSWORD",
        "BOH_DB",
        "BOH_HTTP_PORT",
        "BOH_EXTRA_ADDONS_PATH",
        "ODOO_BIN",
    ):
        assert re.search(rf"\$\{{{var}[:}}]", text), f"boh-serve ignores ${var}"
    for option in (
        "--db_host",
        "--db_port",
        "--db_user",
        "--db_password",
        "--db-filter",
        "--http-port",
        "--addons-path",
        "--stop-after-init",
    ):
        assert option in text
    assert "/mnt/extra-addons" in text


# ---------------------------------------------------------------------- boh-serve, run
FAKE_ODOO = """#!/usr/bin/env bash
printf '%s\\n' "PYTHONPATH=${PYTHONPATH:-}" "$@" "--" >> "$FAKE_LOG"
exit "${FAKE_ODOO_RC:-0}"
"""
FAKE_PSQL = """#!/usr/bin/env bash
echo "psql PGHOST=${PGHOST:-} PGUSER=${PGUSER:-} $*" >> "$FAKE_LOG.pg"
case "$*" in
  *-lqt*) for db in $FAKE_DBS; do echo " $db | odoo | UTF8"; done ;;
  *ir_module_module*) echo "$FAKE_INSTALLED" ;;
  *) echo 1 ;;
esac
"""
FAKE_OK = """#!/usr/bin/env bash
echo "$(basename "$0") $*" >> "$FAKE_LOG.pg"
"""


@pytest.fixture
def fake(tmp_path):
    """Run boh-serve against a fake odoo, psql, pg_isready and dropdb; return the odoo calls."""
    if shutil.which("bash") is None:
        pytest.skip("bash not available")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, text in (
        ("odoo", FAKE_ODOO),
        ("psql", FAKE_PSQL),
        ("pg_isready", FAKE_OK),
        ("dropdb", FAKE_OK),
    ):
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    log = tmp_path / "odoo.log"

    def run(*args, rc=0, **env):
        clean = {
            k: v
            for k, v in os.environ.items()
            if k
            not in {
                "HOST",
                "PORT",
                "USER",
                "PASSWORD",
                "PGHOST",
                "PGPORT",
                "PGUSER",
                "PGPASSWORD",
                "BOH_DB",
                "BOH_HTTP_PORT",
                "BOH_EXTRA_ADDONS_PATH",
                "ODOO_BIN",
                "PYTHONPATH",
            }
        }
        clean.update(
            PATH=f"{bin_dir}{os.pathsep}{clean.get('PATH', '')}",
            FAKE_LOG=str(log),
            FAKE_DBS="postgres template1",
            FAKE_INSTALLED="",
            FAKE_ODOO_RC=str(rc),
        )
        clean.update(env)
        result = subprocess.run(
            [str(BOH_SERVE), *args], env=clean, capture_output=True, text=True, timeout=60
        )
        calls = log.read_text().split("\n--\n")[:-1] if log.exists() else []
        pg = Path(f"{log}.pg").read_text() if Path(f"{log}.pg").exists() else ""
        return result, [c.splitlines() for c in calls], pg

    return run


def option(call: list[str], name: str) -> str | None:
    return call[call.index(name) + 1] if name in call else None


def test_boh_serve_first_start_creates_then_serves(fake):
    result, calls, pg = fake(
        "--log-level=warn",
        HOST="db",
        USER="odoo",
        PASSWORD="secret",
        PGHOST="elsewhere",
        PGPORT="5433",
    )
    assert result.returncode == 0, result.stderr
    assert "creating database boh_demo" in result.stderr
    assert len(calls) == 2
    create, serve = calls
    assert option(create, "-d") == "boh_demo"
    assert set(option(create, "-i").split(",")) == addon_folders()
    assert "--stop-after-init" in create and "--without-demo" not in create
    for call in calls:
        assert option(call, "--db_host") == "db"  # HOST wins over PGHOST
        assert option(call, "--db_port") == "5433"
        assert option(call, "--db_user") == "odoo"
        assert option(call, "--db_password") == "secret"
        assert option(call, "--addons-path").split(",")[0] == str(ROOT / "addons")
        assert call[0] == f"PYTHONPATH={ROOT}"
    assert option(serve, "-d") == "boh_demo"
    assert option(serve, "--db-filter") == "^boh_demo$"
    assert option(serve, "--http-port") == "8069"
    assert serve[-1] == "--log-level=warn" and "-i" not in serve
    assert "PGHOST=db PGUSER=odoo" in pg  # psql uses the same settings as odoo


def test_boh_serve_later_start_only_serves(fake):
    installed = ",".join(sorted(addon_folders()) + ["base", "stock"])
    result, calls, _ = fake(
        BOH_DB="mine",
        BOH_HTTP_PORT="18069",
        FAKE_DBS="postgres mine",
        FAKE_INSTALLED=installed,
        BOH_EXTRA_ADDONS_PATH="/x/more",
    )
    assert result.returncode == 0, result.stderr
    assert len(calls) == 1
    (serve,) = calls
    assert option(serve, "-d") == "mine" and option(serve, "--http-port") == "18069"
    assert "/x/more" in option(serve, "--addons-path").split(",")
    assert "--db_host" not in serve and "--db_user" not in serve  # no HOST, no PG* variables


def test_boh_serve_installs_addons_missing_from_an_existing_database(fake):
    result, calls, _ = fake(FAKE_DBS="boh_demo", FAKE_INSTALLED="base,boh_inventory")
    assert result.returncode == 0, result.stderr
    install, _serve = calls
    assert set(option(install, "-i").split(",")) == addon_folders() - {"boh_inventory"}


def test_boh_serve_login_user_alone_is_not_a_db_user(fake):
    result, calls, _ = fake(
        USER="alice", PGUSER="", FAKE_DBS="boh_demo", FAKE_INSTALLED=",".join(addon_folders())
    )
    assert result.returncode == 0, result.stderr
    assert "--db_user" not in calls[0]


def test_boh_serve_failed_install_drops_the_database(fake):
    result, calls, pg = fake(rc=3)
    assert result.returncode != 0
    assert len(calls) == 1, "must not serve after a failed install"
    assert "dropdb --if-exists boh_demo" in pg


def test_boh_serve_production_database_has_no_demo_data(fake):
    result, calls, _ = fake(BOH_DEMO="0")
    assert result.returncode == 0, result.stderr
    create, serve = calls
    assert "--without-demo=all" in create and "--without-demo=all" not in serve
    assert "boh_demo" not in option(create, "-i").split(",")
    assert set(option(create, "-i").split(",")) == addon_folders() - {"boh_demo"}


def test_boh_serve_refuses_a_bad_demo_switch(fake):
    result, calls, _ = fake(BOH_DEMO="yes")
    assert result.returncode != 0 and "BOH_DEMO must be 0 or 1" in result.stderr
    assert not calls


def test_boh_serve_freezes_the_public_address(fake):
    installed = ",".join(addon_folders())
    result, _calls, pg = fake(
        BOH_BASE_URL="https://boh.example.com", FAKE_DBS="boh_demo", FAKE_INSTALLED=installed
    )
    assert result.returncode == 0, result.stderr
    assert "'web.base.url', 'https://boh.example.com'" in pg
    assert "'web.base.url.freeze', 'True'" in pg


def test_boh_serve_refuses_a_base_url_that_is_not_an_address(fake):
    result, calls, pg = fake(BOH_BASE_URL="https://x'; drop table res_users; --")
    assert result.returncode != 0 and "BOH_BASE_URL must be an address" in result.stderr
    assert "drop table" not in pg
