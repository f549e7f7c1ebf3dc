"""Structure of the production profile (docker/compose.prod.yaml, its Odoo configuration and
nginx), checked by reading the files: there is no Docker engine where the tests run.

What a production deployment must hold (docker/README.md, "Production"): prefork workers with the
gevent port behind a reverse proxy in proxy mode, crons in a process of their own, no demo data,
a master password, no database listing, a frozen public address, and only the proxy's ports
published.
"""

from __future__ import annotations

import configparser
import re
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parent.parent
DOCKER = ROOT / "docker"


@pytest.fixture(scope="module")
def services() -> dict:
    return yaml.safe_load((DOCKER / "compose.prod.yaml").read_text())["services"]


@pytest.fixture(scope="module")
def conf() -> configparser.SectionProxy:
    parser = configparser.ConfigParser()
    parser.read(DOCKER / "odoo.prod.conf.example")
    return parser["options"]


@pytest.fixture(scope="module")
def nginx() -> str:
    return (DOCKER / "nginx.conf").read_text()


def command(service: dict) -> list[str]:
    return (
        service["command"] if isinstance(service["command"], list) else service["command"].split()
    )


def test_services(services):
    assert set(services) == {"db", "odoo", "cron", "proxy", "dask-scheduler", "dask-worker"}
    # the Dask cluster only when asked for: `--profile dask`
    started = {name for name, service in services.items() if not service.get("profiles")}
    assert started == {"db", "odoo", "cron", "proxy"}


def test_dask_profile_has_a_scheduler_and_workers_from_the_boh_core_image(services):
    scheduler, worker = services["dask-scheduler"], services["dask-worker"]
    odoo = services["odoo"]
    for service in (scheduler, worker):
        assert service["profiles"] == ["dask"]
        # the image the Dockerfile builds: boh_core and dask[distributed] are in it
        assert service["image"] == odoo["image"] and service["build"] == odoo["build"]
        assert not service.get("ports"), "the cluster is reached on the compose network only"
    assert command(scheduler)[:2] == ["dask", "scheduler"]
    assert "--port" in command(scheduler) and "8786" in command(scheduler)
    assert set(scheduler["expose"]) == {"8786"}
    assert command(worker)[:2] == ["dask", "worker"]
    assert "tcp://dask-scheduler:8786" in command(worker)[2]
    # a worker a core, one thread: the forecast is CPU-bound Python and numpy
    assert "--nthreads=1" in command(worker) and "--nworkers=1" in command(worker)
    assert any(arg.startswith("--memory-limit=") for arg in command(worker))
    assert worker["deploy"]["replicas"] >= 2
    assert "dask-scheduler" in worker["depends_on"]
    dockerfile = (DOCKER / "Dockerfile").read_text()
    assert (
        '"dask[distributed]"' in dockerfile and "distributed" in dockerfile.split("python3 -c")[1]
    )


def test_only_the_proxy_publishes_ports(services):
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    assert set(services["odoo"]["expose"]) == {"8069", "8072"}


def test_web_process_uses_workers_and_runs_no_cron(services, conf):
    assert int(conf["workers"]) >= 2
    assert conf["gevent_port"] == "8072"
    assert "--max-cron-threads=0" in command(services["odoo"])
    assert "--config=/etc/odoo/odoo.conf" in command(services["odoo"])


def test_cron_runs_in_its_own_process_without_http(services):
    cron = command(services["cron"])
    assert cron[0] == "boh-serve"
    assert "--no-http" in cron and "--workers=0" in cron
    assert any(re.fullmatch(r"--max-cron-threads=[1-9]\d*", arg) for arg in cron)
    # it starts once the web process has created the database
    assert services["cron"]["depends_on"]["odoo"]["condition"] == "service_healthy"


def test_no_demo_data_and_a_frozen_public_address(services):
    for name in ("odoo", "cron"):
        env = services[name]["environment"]
        assert env["BOH_DEMO"] == "0"
        assert "BOH_BASE_URL" in env and ":?" in env["BOH_BASE_URL"], "must be required"


def test_configuration_secrets_and_proxy_mode(conf):
    assert conf["admin_passwd"] and conf["admin_passwd"] != "admin"
    assert conf.getboolean("list_db") is False
    assert conf.getboolean("proxy_mode") is True
    assert conf["dbfilter"].startswith("^") and conf["dbfilter"].endswith("$")
    assert conf["without_demo"] == "all"
    for limit in ("limit_memory_hard", "limit_time_cpu", "limit_time_real", "limit_time_real_cron"):
        assert int(conf[limit]) > 0


def test_the_configuration_copy_is_not_committed():
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert "docker/odoo.prod.conf" in ignored
    assert "docker/certs/" in ignored


def test_nginx_routes_the_bus_and_forwards_client_addresses(nginx):
    assert "server odoo:8069" in nginx and "server odoo:8072" in nginx
    assert re.search(r"location /websocket \{[^}]*proxy_pass http://odoo_bus", nginx)
    assert "X-Forwarded-For" in nginx and "X-Forwarded-Proto" in nginx
    assert re.search(r"location ~ \^/web/database/ \{\s*return 404;", nginx)
    assert "listen 443 ssl" in nginx and "return 301 https://" in nginx


def test_mounted_files_exist(services):
    for service in services.values():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                path = DOCKER / source[2:]
                if source == "./odoo.prod.conf":
                    path = DOCKER / "odoo.prod.conf.example"  # the operator's copy of it
                if source == "./certs":
                    continue  # the operator's certificates
                assert path.exists(), f"{source} is mounted but missing"
