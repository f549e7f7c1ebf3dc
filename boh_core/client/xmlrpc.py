"""XML-RPC client for the BOH sales feed, on the standard library only.

Authentication is Odoo's: ``/xmlrpc/2/common`` ``authenticate(db, login, api_key, {})``
gives the uid, then every call is ``/xmlrpc/2/object`` ``execute_kw(db, uid, api_key,
model, method, args)``. An API key is used in place of the password.

Retries: a call is repeated, with exponential backoff and jitter, after a network failure
(connection refused/reset/dropped, socket timeout, a broken HTTP exchange, an HTTP 5xx or
429) and after a server fault that reports a database serialization conflict or a
concurrent update (PostgreSQL's "could not serialize access", ``SerializationFailure``,
deadlocks, locks not available). That is safe because ``push_sales`` is idempotent: an
order sent twice is answered ``duplicate`` and stored once. Any other fault (bad payload,
access denied) is raised at once, never retried.

Resume: :meth:`BohClient.push_orders` cuts the orders into batches whose id is a hash of
their content; with a journal file, each acknowledged batch is recorded (atomically:
written to a temporary file, flushed to disk, then renamed over the journal) together with
its outcome, so a run restarted after a crash skips those batches and still reports their
outcome. Without a journal a restart simply re-sends everything, which the server answers
with ``duplicate``. A crash between the server's answer and the journal write makes that
one batch come back as ``duplicate`` instead of ``created`` on the next run, never as a
second copy.
"""

from __future__ import annotations

import hashlib
import http.client
import ipaddress
import json
import os
import random
import tempfile
import time
import urllib.parse
import xmlrpc.client
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

#: The Odoo model that serves the feed.
FEED_MODEL = "boh.pos.feed"
#: Orders per push, below the server's limit (boh_core.sales.payload.MAX_ORDERS).
DEFAULT_BATCH_SIZE = 500
#: Fault texts that mean "try again": the transaction lost a race, the data is fine.
RETRYABLE_FAULT_MARKERS = (
    "could not serialize access",
    "serializationfailure",
    "serialization failure",
    "concurrent update",
    "deadlock detected",
    "lock not available",
    "transactionrollbackerror",
)
_STATUSES = ("created", "duplicate", "amended", "error")
_JOURNAL_VERSION = 1


class BohClientError(Exception):
    """Base of the client's errors; ``str()`` is a sentence for the person running it.

    When raised by :meth:`BohClient.push_orders`, ``summary`` holds the work done before
    the failure.
    """

    summary: Summary | None = None


class BohConnectionError(BohClientError):
    """The server could not be reached, or kept failing after every retry."""


class BohAuthError(BohClientError):
    """The login or API key was refused."""


class BohServerError(BohClientError):
    """The server answered with a fault that retrying would not fix, or an odd answer."""

    def __init__(self, message: str, fault_code: Any = None, fault_string: str = ""):
        super().__init__(message)
        self.fault_code = fault_code
        self.fault_string = fault_string


class JournalError(BohClientError):
    """The journal file cannot be used."""


# --------------------------------------------------------------------------- results


@dataclass
class OrderFailure:
    """An order the server refused, with its problems as the server named them."""

    order_ref: str
    location: str
    errors: list[dict[str, Any]] = field(default_factory=list)

    def describe(self) -> str:
        """One line per problem, for people."""
        head = f"{self.location}/{self.order_ref}" if self.location else self.order_ref
        if not self.errors:
            return f"{head}: refused without a reason."
        parts = []
        for err in self.errors:
            where = f" line {err.get('line_ref')}" if err.get("line_ref") else ""
            parts.append(f"{head}{where} [{err.get('field', '')}]: {err.get('message', '')}")
        return "\n".join(parts)


@dataclass
class BatchResult:
    """The outcome of one batch, handed to the ``on_batch`` hook of ``push_orders``."""

    index: int
    batch_id: str
    orders: int
    counts: dict[str, int]
    failures: list[OrderFailure]
    skipped: bool = False


@dataclass
class Summary:
    """What a push did: counts per status, the refused orders and the work done.

    Counts include the batches skipped because the journal had them, so a run resumed
    after a crash reports the same totals as a run that never stopped.
    """

    created: int = 0
    duplicate: int = 0
    amended: int = 0
    error: int = 0
    failures: list[OrderFailure] = field(default_factory=list)
    batches_sent: int = 0
    batches_skipped: int = 0
    retries: int = 0

    @property
    def ok(self) -> bool:
        """True when no order was refused."""
        return self.error == 0

    @property
    def total(self) -> int:
        """Orders accounted for."""
        return self.created + self.duplicate + self.amended + self.error

    def add(self, result: BatchResult) -> None:
        """Fold one batch's outcome in."""
        for status in _STATUSES:
            setattr(self, status, getattr(self, status) + result.counts.get(status, 0))
        self.failures.extend(result.failures)
        if result.skipped:
            self.batches_skipped += 1
        else:
            self.batches_sent += 1

    def merge(self, other: Summary) -> None:
        """Fold another summary in (one per source when a file has several)."""
        for status in _STATUSES:
            setattr(self, status, getattr(self, status) + getattr(other, status))
        self.failures.extend(other.failures)
        self.batches_sent += other.batches_sent
        self.batches_skipped += other.batches_skipped
        self.retries += other.retries

    def format(self) -> str:
        """The text printed by the command line."""
        lines = [
            f"orders: {self.total}  created: {self.created}  duplicate: {self.duplicate}  "
            f"amended: {self.amended}  error: {self.error}",
            f"batches sent: {self.batches_sent}  skipped (already in the journal): "
            f"{self.batches_skipped}  retries: {self.retries}",
        ]
        if self.failures:
            lines.append("refused orders:")
            lines.extend("  " + f.describe().replace("\n", "\n  ") for f in self.failures)
        return "\n".join(lines)


# --------------------------------------------------------------------------- journal


class Journal:
    """The batches a server has acknowledged, kept in a JSON file.

    Tied to one server and database: using it against another raises
    :class:`JournalError` rather than skipping batches that server never saw. Every
    record rewrites the file atomically, so a crash leaves the old or the new journal,
    never half of one.
    """

    def __init__(self, path: str | os.PathLike[str], url: str, db: str):
        self.path = Path(path)
        self.target = {"url": url, "db": db}
        self.batches: dict[str, dict[str, Any]] = {}
        if self.path.exists():
            self._load()

    def _load(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise JournalError(
                f"The journal {str(self.path)!r} cannot be read ({exc}); delete it to send "
                "everything again (safe: the server answers duplicate for known orders)."
            ) from None
        if not isinstance(data, dict) or data.get("version") != _JOURNAL_VERSION:
            raise JournalError(f"The journal {str(self.path)!r} is not a BOH journal.")
        if data.get("target") != self.target:
            raise JournalError(
                f"The journal {str(self.path)!r} belongs to {data.get('target')!r}, not to "
                f"{self.target!r}; use another journal file."
            )
        self.batches = dict(data.get("batches") or {})

    def get(self, digest: str) -> dict[str, Any] | None:
        """The recorded outcome of a batch, or None if it was never acknowledged."""
        return self.batches.get(digest)

    def record(self, digest: str, entry: dict[str, Any]) -> None:
        """Record an acknowledged batch and write the journal to disk."""
        self.batches[digest] = entry
        data = {"version": _JOURNAL_VERSION, "target": self.target, "batches": self.batches}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=self.path.name + ".", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, sort_keys=True)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        try:
            # Make the rename itself durable; not possible on every platform.
            dir_fd = os.open(self.path.parent, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(dir_fd)
        except OSError:
            pass
        finally:
            os.close(dir_fd)


# --------------------------------------------------------------------------- transport


class _TransportMixin:
    """A socket timeout, and one attempt per request.

    The standard transport silently re-sends once when a kept-alive connection was
    dropped; the client's own retry loop does that (with backoff, counted in the
    summary), so the hidden retry is turned off to keep one policy in one place.
    """

    _timeout: float

    def make_connection(self, host: Any) -> http.client.HTTPConnection:
        conn = super().make_connection(host)  # type: ignore[misc]
        conn.timeout = self._timeout
        return conn

    def request(self, host: Any, handler: str, request_body: bytes, verbose: bool = False) -> Any:
        return self.single_request(host, handler, request_body, verbose)  # type: ignore[attr-defined]


class _TimeoutTransport(_TransportMixin, xmlrpc.client.Transport):
    """Plain HTTP transport with a socket timeout."""

    def __init__(self, timeout: float):
        super().__init__()
        self._timeout = timeout


class _TimeoutSafeTransport(_TransportMixin, xmlrpc.client.SafeTransport):
    """HTTPS transport with a socket timeout."""

    def __init__(self, timeout: float):
        super().__init__()
        self._timeout = timeout


def is_retryable_fault(fault: xmlrpc.client.Fault) -> bool:
    """True when a fault reports a lost database race (serialization, concurrent update)."""
    text = f"{fault.faultCode} {fault.faultString}".lower()
    return any(marker in text for marker in RETRYABLE_FAULT_MARKERS)


def batch_digest(source: str, orders: Sequence[Any]) -> str:
    """The sha256 of a batch's content: its journal key and the base of its batch_id."""
    text = json.dumps(
        {"source": source, "orders": list(orders)},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- client


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_transport_security(url: str, allow_insecure_http: bool = False) -> None:
    """Refuse to send an API key in clear text: ``http://`` is for this machine only
    (localhost, 127.0.0.0/8, ::1) unless ``allow_insecure_http`` says otherwise."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BohClientError(
            f"The server URL must look like https://odoo.example.com, not {url!r}."
        )
    if parts.scheme == "http" and not allow_insecure_http and not _is_loopback(parts.hostname):
        raise BohClientError(
            f"Refusing plain http:// to {parts.hostname}: the API key would cross the network "
            "unencrypted. Use https://, or allow it explicitly (--insecure-http, or "
            "allow_insecure_http=True) on a network you trust."
        )


class BohClient:
    """A connection to one Odoo database serving the BOH sales feed.

    ``timeout`` is the socket timeout in seconds; a failed call is tried again up to
    ``max_retries`` times, waiting ``backoff * 2**attempt`` seconds (at most
    ``max_backoff``) scaled by a random factor in [0.5, 1] drawn from ``random.Random(seed)``
    so that clients restarted together do not retry in step. ``sleep`` is there for tests.
    """

    def __init__(
        self,
        url: str,
        db: str,
        login: str,
        api_key: str,
        *,
        timeout: float = 60.0,
        max_retries: int = 5,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        seed: int | None = None,
        sleep: Callable[[float], None] = time.sleep,
        allow_insecure_http: bool = False,
    ):
        if max_retries < 0 or backoff < 0 or timeout <= 0:
            raise ValueError("max_retries and backoff must be >= 0 and timeout > 0")
        check_transport_security(url, allow_insecure_http)
        self.url = url.rstrip("/")
        self.db = db
        self.login = login
        self.api_key = api_key
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.retries = 0
        self._rng = random.Random(seed)
        self._sleep = sleep
        self._uid: int | None = None
        self._common = self._proxy("/xmlrpc/2/common")
        self._object = self._proxy("/xmlrpc/2/object")

    def _proxy(self, path: str) -> xmlrpc.client.ServerProxy:
        transport: xmlrpc.client.Transport
        if self.url.startswith("https://"):
            transport = _TimeoutSafeTransport(self.timeout)
        else:
            transport = _TimeoutTransport(self.timeout)
        return xmlrpc.client.ServerProxy(self.url + path, transport=transport, allow_none=True)

    # ----------------------------------------------------------------- calls

    def _delay(self, attempt: int) -> float:
        cap = min(self.max_backoff, self.backoff * (2**attempt))
        return cap * self._rng.uniform(0.5, 1.0)

    def _call(self, what: str, func: Callable[..., Any], *args: Any) -> Any:
        """Call ``func`` with retries on network failures and lost database races."""
        last = ""
        for attempt in range(self.max_retries + 1):
            try:
                return func(*args)
            except xmlrpc.client.Fault as fault:
                if not is_retryable_fault(fault):
                    raise BohServerError(
                        f"The server refused {what}: {fault.faultString}",
                        fault.faultCode,
                        fault.faultString,
                    ) from None
                last = f"a database conflict ({fault.faultString.strip()[:200]})"
            except xmlrpc.client.ProtocolError as exc:
                if exc.errcode < 500 and exc.errcode != 429:
                    raise BohConnectionError(
                        f"{what} failed: the server at {self.url} answered HTTP {exc.errcode} "
                        f"{exc.errmsg}; check the URL."
                    ) from None
                last = f"HTTP {exc.errcode} {exc.errmsg}"
            except (ConnectionError, TimeoutError, http.client.HTTPException) as exc:
                last = f"{type(exc).__name__}: {exc}"
            except OSError as exc:
                # DNS failures, TLS errors, unreachable networks: retrying will not help.
                raise BohConnectionError(
                    f"{what} failed: cannot reach {self.url} ({exc})."
                ) from None
            if attempt < self.max_retries:
                self.retries += 1
                self._sleep(self._delay(attempt))
        raise BohConnectionError(
            f"{what} failed after {self.max_retries + 1} attempts; the last problem was {last}."
        )

    def authenticate(self) -> int:
        """Log in with the API key and return the uid (cached)."""
        if self._uid is None:
            uid = self._call(
                "authentication", self._common.authenticate, self.db, self.login, self.api_key, {}
            )
            if not uid:
                raise BohAuthError(
                    f"The server refused login {self.login!r} on database {self.db!r}; check "
                    "the user and the API key."
                )
            self._uid = int(uid)
        return self._uid

    def execute_kw(
        self, model: str, method: str, args: list[Any], kwargs: dict[str, Any] | None = None
    ) -> Any:
        """Call ``model.method(*args, **kwargs)`` on the server, with retries."""
        uid = self.authenticate()
        call_args: list[Any] = [self.db, uid, self.api_key, model, method, args]
        if kwargs:
            call_args.append(kwargs)
        return self._call(f"{model}.{method}", self._object.execute_kw, *call_args)

    # ----------------------------------------------------------------- feed

    def push_sales(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Send one payload to ``push_sales`` and return the server's answer as is."""
        return self.execute_kw(FEED_MODEL, "push_sales", [payload])

    def get_availability(self, location: str) -> list[dict[str, Any]]:
        """Portions available per menu item at a location: [{"item_code", "portions"}]."""
        answer = self.execute_kw(FEED_MODEL, "get_availability", [location])
        if not isinstance(answer, list):
            raise BohServerError(f"get_availability answered {type(answer).__name__}, not a list.")
        return answer

    def push_orders(
        self,
        source: str,
        orders: Iterable[dict[str, Any]],
        batch_size: int = DEFAULT_BATCH_SIZE,
        *,
        journal: str | os.PathLike[str] | Journal | None = None,
        on_batch: Callable[[BatchResult], None] | None = None,
    ) -> Summary:
        """Send orders in batches and sum up the answers.

        Batches already recorded in ``journal`` are skipped (their recorded outcome is
        counted); each batch the server answers is recorded before ``on_batch`` is called.
        Raises :class:`BohClientError` subclasses when the server cannot be reached or
        refuses a whole batch; the summary of the work done so far is then on the
        exception's ``summary`` attribute.
        """
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        if journal is not None and not isinstance(journal, Journal):
            journal = Journal(journal, self.url, self.db)
        orders = list(orders)
        summary = Summary()
        retries_before = self.retries
        try:
            for index, start in enumerate(range(0, len(orders), batch_size)):
                batch = orders[start : start + batch_size]
                result = self._push_batch(index, source, batch, journal)
                summary.add(result)
                if on_batch is not None:
                    on_batch(result)
        except BohClientError as exc:
            summary.retries = self.retries - retries_before
            exc.summary = summary
            raise
        summary.retries = self.retries - retries_before
        return summary

    def _push_batch(
        self, index: int, source: str, batch: list[dict[str, Any]], journal: Journal | None
    ) -> BatchResult:
        digest = batch_digest(source, batch)
        batch_id = f"{source[:40]}-{digest[:32]}"
        if journal is not None:
            entry = journal.get(digest)
            if entry is not None:
                return BatchResult(
                    index,
                    entry.get("batch_id", batch_id),
                    len(batch),
                    dict(entry.get("counts") or {}),
                    [OrderFailure(**f) for f in entry.get("failures") or []],
                    skipped=True,
                )
        answer = self.push_sales({"source": source, "batch_id": batch_id, "orders": batch})
        counts, failures = _read_answer(answer, batch)
        if journal is not None:
            journal.record(
                digest,
                {
                    "batch_id": batch_id,
                    "server_batch": answer.get("batch"),
                    "acknowledged_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    "counts": counts,
                    "failures": [f.__dict__ for f in failures],
                },
            )
        return BatchResult(index, batch_id, len(batch), counts, failures)


def _read_answer(
    answer: Any, batch: list[dict[str, Any]]
) -> tuple[dict[str, int], list[OrderFailure]]:
    """Check the shape of a push_sales answer and count its statuses."""
    results = answer.get("orders") if isinstance(answer, dict) else None
    if not isinstance(results, list) or len(results) != len(batch):
        raise BohServerError(
            f"push_sales answered {str(answer)[:200]!r}, not one result per order sent "
            f"({len(batch)}); the server and the client do not speak the same contract."
        )
    counts = dict.fromkeys(_STATUSES, 0)
    failures = []
    for sent, result in zip(batch, results, strict=True):
        status = result.get("status") if isinstance(result, dict) else None
        if status not in counts:
            raise BohServerError(f"push_sales answered an unknown order status {status!r}.")
        counts[status] += 1
        if status == "error":
            location = sent.get("location", "") if isinstance(sent, dict) else ""
            failures.append(
                OrderFailure(
                    str(result.get("order_ref", "")),
                    str(location),
                    [e for e in result.get("errors") or [] if isinstance(e, dict)],
                )
            )
    return counts, failures


__all__ = [
    "DEFAULT_BATCH_SIZE",
    "FEED_MODEL",
    "RETRYABLE_FAULT_MARKERS",
    "BatchResult",
    "BohAuthError",
    "BohClient",
    "BohClientError",
    "BohConnectionError",
    "BohServerError",
    "Journal",
    "JournalError",
    "OrderFailure",
    "Summary",
    "batch_digest",
    "is_retryable_fault",
]
