#!/usr/bin/env python3
"""Check that every addon ships a zh_CN translation for every string Odoo exports for it.

Usage: check_translations.py EXPORT.pot ADDONS_DIR

``EXPORT.pot`` is a template exported by Odoo from a database where the addons are installed
(``odoo --i18n-export=EXPORT.pot --modules=a,b,...``); its entries carry ``#. module: name``
comments. For each module, every msgid of the export must have a non-empty msgstr in
``ADDONS_DIR/<module>/i18n/zh_CN.po``, with the same placeholders. Runs under the Python that
runs Odoo (it needs polib, which Odoo depends on).
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path

import polib

PLACEHOLDER = re.compile(r"%\([a-zA-Z_]+\)[sdfr]|%[sdfr]|\{[a-zA-Z_]*\}")


def main(argv: list[str]) -> int:
    export, addons = polib.pofile(argv[0]), Path(argv[1])
    wanted = defaultdict(set)
    for entry in export:
        for comment in entry.comment.splitlines():
            if comment.startswith("module:"):
                for module in comment.split(":", 1)[1].split(","):
                    wanted[module.strip()].add(entry.msgid)
    problems = 0
    for module, msgids in sorted(wanted.items()):
        po_path = addons / module / "i18n" / "zh_CN.po"
        if not po_path.exists():
            print(f"{module}: no i18n/zh_CN.po ({len(msgids)} strings untranslated)")
            problems += len(msgids)
            continue
        translated = {e.msgid: e.msgstr for e in polib.pofile(str(po_path)) if e.msgstr}
        missing = sorted(msgids - translated.keys())
        broken = sorted(
            m
            for m in msgids & translated.keys()
            if sorted(PLACEHOLDER.findall(m)) != sorted(PLACEHOLDER.findall(translated[m]))
        )
        for msgid in missing:
            print(f"{module}: untranslated: {msgid!r}")
        for msgid in broken:
            print(f"{module}: placeholders differ: {msgid!r}")
        problems += len(missing) + len(broken)
        print(
            f"{module}: {len(msgids) - len(missing) - len(broken)}/{len(msgids)} strings "
            f"translated to zh_CN"
        )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
