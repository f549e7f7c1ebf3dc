"""Command line for integrators: ``boh push-sales``, ``boh availability`` and ``boh demo-data``.

``boh demo-data`` simulates a restaurant group (:mod:`boh_core.simulator`) and sends its
sales through the same feed as ``push-sales``: a test load for any server. Stores are named
``ST01``, ``ST02``... (the suite's demo stores) unless ``--store-codes`` names the server's
own; item codes are the demo menu's (``MENU-...``), to be mapped under ``--source`` on a
server without the demo data (or give a group of your own with ``--group FILE.json``, the
plain-data form of :class:`boh_core.simulator.Group`). The same options and seed always
send the same orders, so a re-run is answered ``duplicate`` and changes nothing; another
seed sends other tickets (their refs end in ``-s<seed>``), which add to the first.

Connection settings come from the options or, when absent, from the environment:
``BOH_URL``, ``BOH_DB``, ``BOH_USER``, ``BOH_API_KEY``. Prefer the environment for the API
key: command-line arguments are visible to other users of the machine.

Exit codes: 0 when everything went through, 1 when the server refused at least one order
(or ``--dry-run`` found a problem), 2 on a usage error, an unreadable file, a refused login
or a server that cannot be reached, 130 when interrupted (run the same command again to
resume; with ``--journal`` the acknowledged batches are skipped).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from collections.abc import Sequence
from datetime import date
from typing import Any, TextIO

from boh_core.errors import BohError
from boh_core.sales.csv_import import load_column_map, load_sales_file
from boh_core.sales.payload import validate_push

from .xmlrpc import DEFAULT_BATCH_SIZE, BohClient, BohClientError, Summary

EXIT_OK = 0
EXIT_ORDER_ERRORS = 1
EXIT_FAILURE = 2
EXIT_INTERRUPTED = 130

_ENV = {"url": "BOH_URL", "db": "BOH_DB", "user": "BOH_USER", "api_key": "BOH_API_KEY"}


class _UsageError(Exception):
    """Bad command line; reported with exit code 2."""


def _add_batch_options(command: argparse.ArgumentParser) -> None:
    """``--batch-size`` and ``--journal``, for the commands that send orders in batches."""
    command.add_argument(
        "--batch-size",
        type=int,
        default=DEFAULT_BATCH_SIZE,
        help=f"orders per request (default {DEFAULT_BATCH_SIZE})",
    )
    command.add_argument("--journal", help="file recording acknowledged batches, to resume")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``boh`` command.

    Long because it declares every command and option of the ``boh`` command line."""
    connection = argparse.ArgumentParser(add_help=False)
    group = connection.add_argument_group("connection (default: environment variables)")
    group.add_argument("--url", help="server URL, e.g. https://odoo.example.com (BOH_URL)")
    group.add_argument("--db", help="database name (BOH_DB)")
    group.add_argument("--user", help="login (BOH_USER)")
    group.add_argument(
        "--api-key",
        dest="api_key",
        help="API key (better set BOH_API_KEY: arguments are visible to others)",
    )
    group.add_argument("--timeout", type=float, default=60.0, help="socket timeout, seconds")
    group.add_argument(
        "--retries", type=int, default=5, help="retries after a network failure or conflict"
    )
    group.add_argument(
        "--insecure-http",
        action="store_true",
        help="allow plain http:// to a host other than this machine (the API key then "
        "crosses the network unencrypted)",
    )

    parser = argparse.ArgumentParser(
        prog="boh", description="Send POS sales to the BOH suite and read availability."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    push = sub.add_parser(
        "push-sales",
        parents=[connection],
        help="send a CSV or JSON file of sales",
        description="Send a POS export (CSV, or JSON payload / list of orders) in batches.",
    )
    push.add_argument("file", metavar="FILE", help="FILE.csv or FILE.json")
    push.add_argument("--source", help="POS source for rows or files that do not name one")
    _add_batch_options(push)
    push.add_argument(
        "--map-file",
        help='JSON object mapping your CSV headers to ours, e.g. {"Ticket": "order_ref"}',
    )
    push.add_argument(
        "--dry-run",
        action="store_true",
        help="check the file locally with the server's rules and send nothing",
    )

    demo = sub.add_parser(
        "demo-data",
        parents=[connection],
        help="simulate a restaurant group and push its sales",
        description="Simulate a restaurant group's sales (seeded: the same options send the "
        "same orders) and push them through the sales feed in batches.",
    )
    demo.add_argument("--stores", type=int, default=3, help="stores to simulate (1-6)")
    demo.add_argument("--days", type=int, default=180, help="business days, ending --end")
    demo.add_argument("--end", help="last business day, YYYY-MM-DD (default yesterday)")
    demo.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    demo.add_argument(
        "--orders-per-day",
        dest="orders_per_day",
        type=float,
        default=100.0,
        help="tickets of an average store on an average day (default 100)",
    )
    demo.add_argument(
        "--source",
        help="POS source name (default boh-sim; on the demo database, demo-pos is mapped)",
    )
    demo.add_argument(
        "--store-codes",
        dest="store_codes",
        help="comma-separated warehouse codes of the server's stores, one per store",
    )
    demo.add_argument("--group", help="JSON file describing the group instead of the demo one")
    _add_batch_options(demo)
    demo.add_argument(
        "--dry-run",
        action="store_true",
        help="simulate and check the orders with the server's rules; send nothing",
    )

    avail = sub.add_parser(
        "availability",
        parents=[connection],
        help="portions available per menu item at a location",
    )
    avail.add_argument("location", metavar="LOCATION")
    avail.add_argument("--json", action="store_true", help="print JSON instead of a table")
    return parser


def _client(args: argparse.Namespace) -> BohClient:
    values = {}
    for name, env in _ENV.items():
        value = getattr(args, name) or os.environ.get(env)
        if not value:
            flag = "--" + name.replace("_", "-")
            raise _UsageError(f"{flag} is missing; pass it or set {env}.")
        values[name] = value
    if args.retries < 0 or args.timeout <= 0:
        raise _UsageError("--retries must be 0 or more and --timeout more than 0.")
    return BohClient(
        values["url"],
        values["db"],
        values["user"],
        values["api_key"],
        timeout=args.timeout,
        max_retries=args.retries,
        allow_insecure_http=args.insecure_http,
    )


def _dry_run(payloads: list[dict[str, Any]], out: TextIO) -> int:
    """Check payloads with the server's validation and print what it would refuse."""
    bad = good = 0
    for payload in payloads:
        orders = payload.get("orders") or []
        result = validate_push(payload, max_orders=max(len(orders), 1))
        if result.error is not None:
            print(f"refused: {result.error}", file=out)
            return EXIT_ORDER_ERRORS
        for res in result.results:
            if res.ok:
                good += 1
                continue
            bad += 1
            for issue in res.issues:
                where = f" line {issue.line_ref}" if issue.line_ref else ""
                print(f"  {res.order_ref}{where} [{issue.field}]: {issue.message}", file=out)
    print(f"dry run: {good} orders valid, {bad} with problems; nothing sent.", file=out)
    return EXIT_ORDER_ERRORS if bad else EXIT_OK


def _push_sales(args: argparse.Namespace, out: TextIO) -> int:
    if args.batch_size < 1:
        raise _UsageError("--batch-size must be at least 1.")
    column_map = load_column_map(args.map_file) if args.map_file else None
    try:
        payloads = load_sales_file(args.file, source=args.source, column_map=column_map)
    except FileNotFoundError:
        raise _UsageError(f"The file {args.file!r} does not exist.") from None
    if args.dry_run:
        return _dry_run(payloads, out)
    client = _client(args)
    total = Summary()
    try:
        for payload in payloads:
            total.merge(
                client.push_orders(
                    payload["source"],
                    payload["orders"],
                    args.batch_size,
                    journal=args.journal,
                )
            )
    except BohClientError as exc:
        if exc.summary is not None:
            total.merge(exc.summary)
        print(total.format(), file=out)
        raise
    print(total.format(), file=out)
    return EXIT_OK if total.ok else EXIT_ORDER_ERRORS


def _demo_group(args: argparse.Namespace) -> Any:
    """The group to simulate, from ``--group`` or the demo one, with ``--store-codes``."""
    # Imported here: push-sales and availability need only the standard library.
    from boh_core.simulator import default_group, group_from_dict

    if args.group:
        try:
            with open(args.group, encoding="utf-8") as handle:
                raw = json.load(handle)
        except FileNotFoundError:
            raise _UsageError(f"The file {args.group!r} does not exist.") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise _UsageError(f"The file {args.group!r} is not JSON: {exc}.") from None
        group = group_from_dict(raw)
    else:
        group = default_group(args.stores)
    if args.store_codes:
        codes = [c.strip() for c in args.store_codes.split(",")]
        stores = group.stores
        if len(codes) != len(stores) or not all(codes) or len(set(codes)) != len(codes):
            raise _UsageError(
                f"--store-codes {args.store_codes!r} must name {len(stores)} different "
                "store(s), comma-separated."
            )
        rename = dict(zip((s.code for s in stores), codes, strict=True))
        group = dataclasses.replace(
            group,
            sites=tuple(
                dataclasses.replace(s, code=rename.get(s.code, s.code)) for s in group.sites
            ),
            equipment=(),
            employees=(),
        ).check()
    if args.source:
        group = dataclasses.replace(group, source=args.source)
    return group


def _demo_data(args: argparse.Namespace, out: TextIO) -> int:
    if args.batch_size < 1:
        raise _UsageError("--batch-size must be at least 1.")
    end = None
    if args.end:
        try:
            end = date.fromisoformat(args.end)
        except ValueError:
            raise _UsageError(f"--end {args.end!r} is not a date; give YYYY-MM-DD.") from None
    from boh_core.simulator import simulate

    group = _demo_group(args)
    sim = simulate(
        group,
        days=args.days,
        end=end,
        seed=args.seed,
        orders_per_day=args.orders_per_day,
        sensor_days=0,
    )
    orders = sim.orders()
    first, last = sim.dates[0].date(), sim.dates[-1].date()
    print(
        f"simulated {len(orders)} orders at {len(group.stores)} store(s) "
        f"({', '.join(s.code for s in group.stores)}) from {first} to {last}, "
        f"seed {args.seed}, source {group.source}",
        file=out,
    )
    if args.dry_run:
        size = max(args.batch_size, 1)
        payloads = [
            {"source": group.source, "orders": orders[k : k + size]}
            for k in range(0, len(orders), size)
        ]
        return _dry_run(payloads, out)
    client = _client(args)
    try:
        summary = client.push_orders(group.source, orders, args.batch_size, journal=args.journal)
    except BohClientError as exc:
        if exc.summary is not None:
            print(exc.summary.format(), file=out)
        raise
    print(summary.format(), file=out)
    return EXIT_OK if summary.ok else EXIT_ORDER_ERRORS


def _availability(args: argparse.Namespace, out: TextIO) -> int:
    rows = _client(args).get_availability(args.location)
    if args.json:
        print(json.dumps(rows, indent=2, sort_keys=True, ensure_ascii=False), file=out)
        return EXIT_OK
    rows = sorted(rows, key=lambda r: str(r.get("item_code", "")))
    width = max([len(str(r.get("item_code", ""))) for r in rows] + [9])
    print(f"{'item_code':<{width}}  portions", file=out)
    for row in rows:
        print(f"{str(row.get('item_code', '')):<{width}}  {row.get('portions', '')}", file=out)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``boh`` command; returns the exit code (see the module docstring)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        # argparse exits on --help (0) and on bad usage (2); return the code instead.
        return int(exc.code or 0)
    out = sys.stdout
    try:
        if args.command == "push-sales":
            return _push_sales(args, out)
        if args.command == "demo-data":
            return _demo_data(args, out)
        return _availability(args, out)
    except _UsageError as exc:
        print(f"boh: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except (BohError, BohClientError, OSError) as exc:
        print(f"boh: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("boh: interrupted; run the same command again to resume.", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
