#!/usr/bin/env python3
"""Write Odoo's catalogue of the core's messages from ``boh_core.messages`` (run after adding one).

``addons/boh_inventory/tools/core_messages.py`` holds every template as an ``_lt("...")``
literal, which is how Odoo's translation export finds it; the Odoo test
``TestCoreMessages`` fails when the two drift apart. Usage: ``python3 scripts/core_messages.py``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "addons" / "boh_inventory" / "tools" / "core_messages.py"

HEADER = '''"""The core's messages in the user's language.

``boh_core`` errors carry a stable code and named parameters (``boh_core.messages``). This
catalogue repeats each English template as an ``_lt`` literal, so that Odoo's translation
export lists it and the translations in ``i18n/*.po`` render it. Written by
``scripts/core_messages.py``: edit ``boh_core/messages.py`` and run that script.
"""

from odoo.tools.translate import LazyTranslate

from boh_core.errors import Message
from boh_core.messages import english_template

_lt = LazyTranslate(__name__)

# fmt: off
CATALOGUE = {
'''

FOOTER = '''}
# fmt: on


def _lang(env):
    """The language to answer in: the context's, else the user's (an XML-RPC call from an
    integration user carries no context, and then the user's own language applies)."""
    return env.lang or env.user.lang or "en_US"


def translate_core_message(env, message):
    """A core :class:`~boh_core.errors.Message` rendered in ``env``'s language.

    A template that is missing, or a translation whose placeholders do not fit the
    parameters, falls back to English rather than failing the caller.
    """
    lang = _lang(env)

    def lookup(code):
        template = CATALOGUE.get(code)
        return template._translate(lang) if template is not None else english_template(code)

    try:
        return message.render(lookup)
    except (KeyError, ValueError, TypeError):
        return message.render()


def translate_core_error(env, error):
    """The text of a core error (a ``BohError`` or a sales-payload ``Issue``) in ``env``'s
    language, with the same parameters as its English ``message``."""
    detail = getattr(error, "detail", None)
    if isinstance(detail, Message):
        return translate_core_message(env, detail)
    return str(getattr(error, "message", error))


def translated_dict(env, error):
    """``error.as_dict()`` (code, field, value or line_ref) with the message translated."""
    answer = error.as_dict()
    answer["message"] = translate_core_error(env, error)
    return answer
'''


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
