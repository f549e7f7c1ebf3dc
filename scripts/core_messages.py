#!/usr/bin/env python3
"""Write Odoo's catalogue of the core's messages from ``boh_core.messages`` (run after adding one).

``addons/boh_inventory/tools/core_catalogue.py`` holds every template as an ``_lt("...")``
literal, which is how Odoo's translation export finds it (``core_messages.py`` next to it
renders them); the Odoo test
``TestCoreMessages`` fails when the two drift apart. Usage: ``python3 scripts/core_messages.py``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "addons" / "boh_inventory" / "tools" / "core_catalogue.py"

HEADER = '''"""The core's message templates as ``_lt`` literals (generated: do not edit).

``boh_core`` errors carry a stable code and named parameters (``boh_core.messages``). This
catalogue repeats each English template as an ``_lt`` literal, so that Odoo's translation
export lists it and the translations in ``i18n/*.po`` render it; ``core_messages`` renders
them. Written by ``scripts/core_messages.py``: edit ``boh_core/messages.py`` and run that
script.
"""

from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

# fmt: off
CATALOGUE = {
'''

FOOTER = """}
# fmt: on
"""


def render() -> str:
    """The catalogue file's text."""
    sys.path.insert(0, str(ROOT))
    from boh_core.messages import MESSAGES

    lines = [
        f"    {json.dumps(code)}: _lt({json.dumps(template, ensure_ascii=False)}),"
        for code, template in sorted(MESSAGES.items())
    ]
    return HEADER + "\n".join(lines) + "\n" + FOOTER


if __name__ == "__main__":
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
