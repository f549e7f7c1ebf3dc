"""The core's messages in the user's language.

``boh_core`` errors carry a stable code and named parameters (``boh_core.messages``); the
catalogue of their templates as Odoo translatable literals is ``core_catalogue`` (written by
``scripts/core_messages.py``). This renders a message, an error or an answer in the language
of the environment.
"""

from boh_core.errors import Message
from boh_core.messages import english_template

from .core_catalogue import CATALOGUE

__all__ = ["CATALOGUE", "translate_core_error", "translate_core_message", "translated_dict"]


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
