#!/usr/bin/env python3
"""The public repair page over HTTP, against Odoo's own /web/login page in the same run.

Starts an Odoo server on a free loopback port against ``BOH_ODOO_DB``, commits one labelled
equipment per client (and raises the page's rate limits for the run), then drives with N
concurrent clients, each with its own session: the intake page (GET the form, scrape its CSRF
token, POST a report with a small JPEG photo), the form page alone, and, as the yardstick,
GET /web/login. It prints the requests per second and the 95th percentile latency of each and
their ratios against /web/login. The page stores each report and answers; after the HTTP runs,
the filing job that turns the stored reports into dispatched repair requests is timed too.
Then it deletes what it made, restores the limits and stops the server. Only 127.0.0.1 is
contacted; every loop is bounded.

Run under the Python that runs Odoo, with the database in ``BOH_ODOO_DB``, the addons path in
``BOH_ODOO_ADDONS_PATH`` and extra database options (JSON list) in ``BOH_ODOO_DB_OPTIONS``; the
database needs boh_maintenance installed.

``--workers 0,1,2`` runs it all once per server mode and prints them side by side: 0 is the
threaded server, N is Odoo's production mode with N HTTP worker processes (prefork).
"""

from __future__ import annotations

import contextlib
import http.client
import io
import re
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

from benchkit import (  # noqa: E402
    arguments,
    free_port,
    lacks,
    odoo_env,
    server_mode,
    start_server,
    stop_server,
)

SIZES = {
    "small": {"clients": 4, "rounds": 15, "warmup": 2},
    "full": {"clients": 4, "rounds": 150, "warmup": 5},
}
HOST = "127.0.0.1"
STARTUP_SECONDS = 90
REQUEST_TIMEOUT = 60
CSRF = re.compile(rb'name="csrf_token" value="([^"]+)"')
REFERENCE = re.compile(rb'class="ref"')
LIMIT_KEYS = ("address_limit", "token_limit")
RAISED_LIMIT = "1000000"


def small_jpeg() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 480), (200, 60, 40))
    ImageDraw.Draw(image).rectangle((100, 100, 400, 300), fill=(30, 30, 30))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def multipart(fields: dict[str, str], photo: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; filename="fault.jpg"'
        "\r\nContent-Type: image/jpeg\r\n\r\n".encode()
        + photo
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Client:
    """One browser: a keep-alive connection and its session cookie."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
        self.cookie = ""

    def call(self, method, path, body=None, headers=None) -> tuple[int, bytes, float]:
        headers = dict(headers or {}, **{"Accept-Language": "en-US,en;q=0.8"})
        if self.cookie:
            headers["Cookie"] = self.cookie
        started = time.perf_counter()
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        took = time.perf_counter() - started
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("session_id="):
                self.cookie = value.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
        return response.status, data, took

    def close(self):
        self.connection.close()


def intake_round(client: Client, path: str, photo: bytes, number: int) -> list:
    status, page, took_get = client.call("GET", path)
    match = CSRF.search(page)
    if status != 200 or not match:
        raise RuntimeError(f"GET {path[:20]}... answered {status} without a form")
    body, content_type = multipart(
        {
            "csrf_token": match.group(1).decode(),
            "symptom": "no_cold",
            "description": f"Bench report {number}: the fridge is warm",
            "urgency": "normal",
            "reporter_name": "Bench",
        },
        photo,
    )
    status, page, took_post = client.call(
        "POST", path, body=body, headers={"Content-Type": content_type}
    )
    if status != 200 or not REFERENCE.search(page):
        raise RuntimeError(f"POST {path[:20]}... answered {status} without a reference")
    return [("get", took_get), ("post", took_post)]


def form_round(client: Client, path: str, _photo: bytes, _number: int) -> list:
    status, page, took = client.call("GET", path)
    if status != 200 or not CSRF.search(page):
        raise RuntimeError(f"GET {path[:20]}... answered {status} without a form")
    return [("get", took)]


def login_round(client: Client, _path: str, _photo: bytes, _number: int) -> list:
    status, page, took = client.call("GET", "/web/login")
    if status != 200 or b"csrf_token" not in page:
        raise RuntimeError(f"GET /web/login answered {status}")
    return [("get", took)]


def drive(port, work, paths, photo, rounds, warmup) -> dict:
    """Run ``rounds`` measured rounds of ``work`` in one thread per path (client)."""
    clients = len(paths)
    latencies: list[tuple[str, float]] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)

    def client_loop(index):
        client = Client(port)
        path = paths[index]
        try:
            for number in range(warmup):
                work(client, path, photo, -number)
            barrier.wait(timeout=120)
            mine = []
            for number in range(rounds):
                mine += work(client, path, photo, index * rounds + number)
            with lock:
                latencies.extend(mine)
        except Exception as error:  # noqa: BLE001 -- reported below, the bench then fails
            errors.append(f"{type(error).__name__}: {error}")
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.abort()
        finally:
            client.close()

    threads = [threading.Thread(target=client_loop, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    try:
        barrier.wait(timeout=120)
    except threading.BrokenBarrierError:
        pass
    started = time.perf_counter()
    for thread in threads:
        thread.join(timeout=REQUEST_TIMEOUT * (rounds + warmup) * 2 + 60)
    wall = time.perf_counter() - started
    if errors:
        raise RuntimeError(errors[0])
    return {
        "requests": len(latencies),
        "rps": len(latencies) / wall,
        "p95": p95([took for _kind, took in latencies]),
        "p95_get": p95([took for kind, took in latencies if kind == "get"]),
        "p95_post": p95([took for kind, took in latencies if kind == "post"]),
        "wall": wall,
    }


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank), 0.0 for no value."""
    values = sorted(values)
    return values[max(0, int(len(values) * 0.95 + 0.5) - 1)] if values else 0.0


def file_reports(db: str, paths: list[str]) -> tuple[int, float]:
    """Run the filing job on what the page stored: ``(reports filed, seconds)``.

    The page stores a report and answers at once; the job then makes each one a repair
    request on its team, dispatched, with its followers notified. Timed here so that the
    deferred half of the work is measured too.
    """
    from boh_core.maintenance.tokens import token_digest

    registry, api, uid = odoo_env(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, uid, {})
        digests = [token_digest(path.rsplit("/", 1)[1]) for path in paths]
        equipment = env["maintenance.equipment"].search([("boh_token_digest", "in", digests)])
        reports = env["boh.maintenance.intake.report"]
        mine = [("equipment_id", "in", equipment.ids)]
        waiting = reports.search_count([*mine, ("state", "=", "received")])
        started = time.perf_counter()
        reports._cron_file_reports()
        took = time.perf_counter() - started
        unfiled = reports.search_count([*mine, ("state", "!=", "done")])
        cr.commit()
    if unfiled:
        raise RuntimeError(f"the filing job left {unfiled} reports unfiled")
    return waiting, took


@contextlib.contextmanager
def bench_fixture(db: str, clients: int):
    """Commit one labelled equipment per client and raised rate limits; undo it afterwards.

    Each client reports on its own equipment, as phones in different kitchens would:
    concurrent reports on one equipment only measure PostgreSQL's serialization retries.
    """
    from boh_core.maintenance.tokens import new_token, token_digest

    registry, api, uid = odoo_env(db)
    tokens = [new_token() for _ in range(clients)]
    since = datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(seconds=1)
    with registry.cursor() as cr:
        env = api.Environment(cr, uid, {})
        if lacks(env, ("boh_maintenance",)):
            raise LookupError("the database lacks boh_maintenance")
        params = env["ir.config_parameter"].sudo()
        saved = {key: params.get_param(f"boh_maintenance.{key}") for key in LIMIT_KEYS}
        for key in LIMIT_KEYS:
            params.set_param(f"boh_maintenance.{key}", RAISED_LIMIT)
        team = env["maintenance.team"].search([], limit=1) or env["maintenance.team"].create(
            {"name": "Bench Intake Team"}
        )
        equipment = (
            env["maintenance.equipment"]
            .with_context(tracking_disable=True)
            .create(
                [
                    {"name": f"Bench Intake Fridge {i}", "maintenance_team_id": team.id}
                    for i in range(clients)
                ]
            )
        )
        for machine, token in zip(equipment, tokens, strict=True):
            machine.sudo().write(
                {"boh_token_digest": token_digest(token), "boh_label_state": "active"}
            )
        equipment_ids = equipment.ids
        cr.commit()
    try:
        yield [f"/boh/repair/{token}" for token in tokens]
    finally:
        with registry.cursor() as cr:
            env = api.Environment(cr, uid, {})
            env["maintenance.request"].with_context(active_test=False).search(
                [("equipment_id", "in", equipment_ids)]
            ).unlink()
            env["maintenance.equipment"].browse(equipment_ids).unlink()
            env["boh.maintenance.intake.hit"].search([("at", ">=", since)]).unlink()
            params = env["ir.config_parameter"].sudo()
            for key, value in saved.items():
                params.set_param(f"boh_maintenance.{key}", value or False)
            cr.commit()


def measure(db: str, params: dict, photo: bytes, workers: int) -> dict:
    """The intake page, its form alone and the login page on a server of ``workers``
    (:func:`benchkit.start_server`), then the filing job on what the page stored."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="boh-bench-intake-") as tmp:
        log_path = Path(tmp) / "odoo.log"
        try:
            with bench_fixture(db, params["clients"]) as paths:
                server = start_server(db, port, log_path, timeout=STARTUP_SECONDS, workers=workers)
                try:
                    # One client first: the server loads its caches before the crowd comes.
                    drive(port, intake_round, paths[:1], photo, 1, 0)
                    drive(port, login_round, paths[:1], photo, 1, 0)
                    run = (port, paths, photo, params["rounds"], params["warmup"])
                    intake = drive(run[0], intake_round, *run[1:])
                    form = drive(run[0], form_round, *run[1:])
                    login = drive(run[0], login_round, *run[1:])
                finally:
                    stop_server(server)
                filed, filing_seconds = file_reports(db, paths)
        except (RuntimeError, LookupError, OSError) as error:
            if log_path.exists():
                error.args = (f"{error}\n{log_path.read_text(errors='replace')[-3000:]}",)
            raise
    return {
        "intake": intake,
        "form": form,
        "login": login,
        "filed": filed,
        "filing_seconds": filing_seconds,
    }


def report(size: str, params: dict, workers: int, result: dict) -> None:
    """Print one server mode's figures."""
    intake, form, login = result["intake"], result["form"], result["login"]
    filed, filing_seconds = result["filed"], result["filing_seconds"]
    ratio = intake["rps"] / login["rps"] if login["rps"] else float("inf")
    form_ratio = form["rps"] / login["rps"] if login["rps"] else float("inf")
    mode = f"[{size}]" if not workers else f"[{size}, {server_mode(workers)}]"
    print(
        f"intake_http{mode}: intake {intake['rps']:.1f} req/s p95 "
        f"{1000 * intake['p95']:.0f} ms (form {1000 * intake['p95_get']:.0f} ms, report "
        f"{1000 * intake['p95_post']:.0f} ms); /web/login {login['rps']:.1f} req/s p95 "
        f"{1000 * login['p95']:.0f} ms; ratio {ratio:.2f}; form page alone {form['rps']:.1f} "
        f"req/s p95 {1000 * form['p95']:.0f} ms, ratio {form_ratio:.2f} "
        f"({params['clients']} clients, {intake['requests']} intake requests = GET form + POST "
        f"report with photo, {login['requests']} login pages; target ratio >= 1)"
    )
    print(
        f"intake_http{mode}: the filing job made {filed} stored reports repair requests "
        f"(dispatched, followers notified) in {filing_seconds:.2f} s, "
        f"{filed / filing_seconds if filing_seconds else 0:.0f} per second"
    )


def main(argv=None) -> int:
    args = arguments(
        __doc__,
        SIZES,
        argv,
        extra=lambda parser: parser.add_argument(
            "--clients", type=int, help="concurrent clients (default 4)"
        ),
        workers=True,
    )
    params = dict(SIZES[args.size])
    if args.clients:
        params["clients"] = max(1, min(args.clients, 32))
    photo = small_jpeg()
    results = {}
    for workers in args.workers:
        try:
            results[workers] = measure(args.db, params, photo, workers)
        except (RuntimeError, LookupError, OSError) as error:
            print(f"intake_http: {error}", file=sys.stderr)
            return 1
        report(args.size, params, workers, results[workers])
    if len(results) > 1:
        print(
            f"intake_http[{args.size}] side by side ({params['clients']} clients; "
            "workers: intake / login req/s): "
            + "; ".join(
                f"{server_mode(workers)}: {r['intake']['rps']:.1f} / {r['login']['rps']:.1f}"
                for workers, r in results.items()
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
