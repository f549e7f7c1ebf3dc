"""A reference implementation of the ``boh.pos.feed`` XML-RPC contract, for tests.

It speaks Odoo's external API (``/xmlrpc/2/common`` ``authenticate``, ``/xmlrpc/2/object``
``execute_kw``) over a real socket, and implements ``push_sales`` faithfully with the same
pure validation the Odoo addon calls (``validate_push`` + ``order_fingerprint``) and an
in-memory store keyed by (source, location, order_ref):

* the raw payload is kept before anything else (nothing lost), and numbered: ``batch``;
* a payload that cannot be read at all is a fault with the ``BohError`` text (Odoo turns a
  ``ValidationError`` into fault code 2, ``AccessDenied`` into 3);
* each order on its own: ``error`` with every issue, else ``created``, ``duplicate`` (same
  fingerprint as stored) or ``amended`` (stored content replaced);
* ``get_availability(location)`` answers the configured ``[{"item_code", "portions"}]``.

Failure injection, for the client's retry logic: :meth:`ReferenceServer.fail_next` makes
the next N object calls drop the connection before (``"drop"``) or after (``"drop_after"``,
the store has already committed) processing, answer a serialization-conflict fault
(``"conflict"``), an HTTP 503 (``"http503"``), or answer late (``"slow"``).

The live-Odoo end-to-end tests mirror these behaviours against the real addon.
"""

from __future__ import annotations

import copy
import threading
import time
import xmlrpc.client
from collections import Counter
from datetime import datetime
from socketserver import ThreadingMixIn
from typing import Any
from xmlrpc.server import MultiPathXMLRPCServer, SimpleXMLRPCDispatcher, SimpleXMLRPCRequestHandler

from boh_core.sales.payload import order_fingerprint, validate_push

COMMON = "/xmlrpc/2/common"
OBJECT = "/xmlrpc/2/object"
FAULT_APPLICATION = 1
FAULT_VALIDATION = 2
FAULT_ACCESS_DENIED = 3
CONFLICT_TEXT = (
    "Traceback (most recent call last):\n  ...\n"
    "psycopg2.errors.SerializationFailure: could not serialize access due to concurrent update"
)


class ReferenceFeed:
    """The in-memory ``boh.pos.feed``: idempotent ingest and availability."""

    def __init__(
        self,
        now: datetime | None = None,
        availability: dict[str, list[dict[str, Any]]] | None = None,
    ):
        self.now = now
        self.availability = availability or {}
        self.batches: list[Any] = []
        self.orders: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.statuses: Counter[str] = Counter()
        self._lock = threading.Lock()

    def push_sales(self, payload: Any) -> dict[str, Any]:
        """Store the raw batch, then take each order on its own (all or nothing)."""
        with self._lock:
            self.batches.append(copy.deepcopy(payload))
            batch_no = len(self.batches)
            result = validate_push(payload, now=self.now)
            if result.error is not None:
                raise xmlrpc.client.Fault(FAULT_VALIDATION, str(result.error))
            answers = []
            for res in result.results:
                if res.order is None:
                    status = "error"
                    answers.append(
                        {
                            "order_ref": res.order_ref,
                            "status": status,
                            "errors": [issue.as_dict() for issue in res.issues],
                        }
                    )
                else:
                    fingerprint = order_fingerprint(res.order)
                    stored = self.orders.get(res.order.key)
                    if stored is None:
                        status = "created"
                    elif stored["fingerprint"] == fingerprint:
                        status = "duplicate"
                    else:
                        status = "amended"
                    if status != "duplicate":
                        self.orders[res.order.key] = {
                            "fingerprint": fingerprint,
                            "order": res.order,
                            "batch": batch_no,
                            "versions": (stored or {}).get("versions", 0) + 1,
                        }
                    answers.append({"order_ref": res.order_ref, "status": status, "errors": []})
                self.statuses[status] += 1
            return {"batch": batch_no, "orders": answers}

    def get_availability(self, location_code: Any) -> list[dict[str, Any]]:
        """Portions per item at a known location; an unknown location is a fault."""
        if location_code not in self.availability:
            raise xmlrpc.client.Fault(
                FAULT_VALIDATION, f"location {location_code!r} is not a known location."
            )
        return copy.deepcopy(self.availability[location_code])


class _Handler(SimpleXMLRPCRequestHandler):
    rpc_paths = (COMMON, OBJECT)

    def do_POST(self) -> None:
        """Serve the call, or fail it the way the test asked for."""
        server: _Server = self.server  # type: ignore[assignment]
        reference: ReferenceServer = server.reference
        kind = reference._take_failure(self.path)
        if kind is None:
            super().do_POST()
            return
        length = int(self.headers.get("content-length") or 0)
        data = self.rfile.read(length)
        if kind == "drop":
            self.close_connection = True
            return
        if kind == "drop_after":
            # The call is carried out (and "committed"); only the answer is lost.
            server._marshaled_dispatch(data, None, self.path)
            self.close_connection = True
            return
        if kind == "slow":
            time.sleep(reference.slow_seconds)
            response = server._marshaled_dispatch(data, None, self.path)
            self._answer(200, response)
            return
        if kind == "http503":
            self._answer(503, b"Service Unavailable")
            return
        fault = xmlrpc.client.Fault(FAULT_APPLICATION, CONFLICT_TEXT)
        self._answer(200, xmlrpc.client.dumps(fault, methodresponse=True).encode())

    def _answer(self, code: int, body: bytes) -> None:
        """Write a complete HTTP answer."""
        try:
            self.send_response(code)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the client gave up (timeout); nothing to tell it


class _Server(ThreadingMixIn, MultiPathXMLRPCServer):
    daemon_threads = True
    reference: ReferenceServer


class ReferenceServer:
    """A running reference server on 127.0.0.1 (a free port), in a daemon thread.

    Use as a context manager or call :meth:`start` and :meth:`stop`. ``users`` maps a
    login to ``(uid, api_key)``.
    """

    def __init__(
        self,
        feed: ReferenceFeed | None = None,
        db: str = "boh",
        users: dict[str, tuple[int, str]] | None = None,
    ):
        self.feed = feed or ReferenceFeed()
        self.db = db
        self.users = users or {"integrator": (7, "secret-key")}
        self.calls: Counter[str] = Counter()
        self.slow_seconds = 1.0
        self._failures: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ----------------------------------------------------------------- control

    @property
    def url(self) -> str:
        """Base URL of the running server, e.g. http://127.0.0.1:40123."""
        assert self._server is not None, "the server is not running"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def fail_next(self, count: int, kind: str = "drop", path: str = OBJECT) -> None:
        """Make the next ``count`` calls on ``path`` fail in the given way."""
        assert kind in ("drop", "drop_after", "conflict", "http503", "slow"), kind
        with self._lock:
            self._failures.extend([(path, kind)] * count)

    def _take_failure(self, path: str) -> str | None:
        with self._lock:
            self.calls[path] += 1
            for i, (fail_path, kind) in enumerate(self._failures):
                if fail_path == path:
                    del self._failures[i]
                    return kind
        return None

    def start(self) -> ReferenceServer:
        """Bind a free port and serve in a daemon thread."""
        server = _Server(("127.0.0.1", 0), requestHandler=_Handler, logRequests=False)
        server.reference = self
        common = SimpleXMLRPCDispatcher(allow_none=True, encoding=None)
        common.register_function(self._authenticate, "authenticate")
        common.register_function(lambda: {"server_version": "18.0"}, "version")
        objects = SimpleXMLRPCDispatcher(allow_none=True, encoding=None)
        objects.register_function(self._execute_kw, "execute_kw")
        server.add_dispatcher(COMMON, common)
        server.add_dispatcher(OBJECT, objects)
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> ReferenceServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ----------------------------------------------------------------- Odoo API

    def _check_db(self, db: str) -> None:
        if db != self.db:
            raise xmlrpc.client.Fault(FAULT_APPLICATION, f'database "{db}" does not exist')

    def _authenticate(self, db: str, login: str, api_key: str, env: Any = None) -> Any:
        self._check_db(db)
        user = self.users.get(login)
        if user is None or user[1] != api_key:
            return False  # Odoo answers False, not a fault, for bad credentials
        return user[0]

    def _execute_kw(
        self,
        db: str,
        uid: int,
        api_key: str,
        model: str,
        method: str,
        args: list[Any],
        kwargs: dict[str, Any] | None = None,
    ) -> Any:
        self._check_db(db)
        if (uid, api_key) not in self.users.values():
            raise xmlrpc.client.Fault(FAULT_ACCESS_DENIED, "Access Denied")
        if model != "boh.pos.feed":
            raise xmlrpc.client.Fault(FAULT_APPLICATION, f"Object {model} doesn't exist")
        handler = {
            "push_sales": self.feed.push_sales,
            "get_availability": self.feed.get_availability,
        }.get(method)
        if handler is None:
            raise xmlrpc.client.Fault(
                FAULT_APPLICATION, f"The method '{method}' does not exist on {model}"
            )
        return handler(*args, **(kwargs or {}))
