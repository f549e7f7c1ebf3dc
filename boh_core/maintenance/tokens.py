"""Unguessable label tokens and human-readable equipment short codes.

A QR label carries a random token; the database keeps only its SHA-256 digest so that a
leaked table does not leak working intake links. The short code ("FRY-0042") is what a
person reads aloud on the phone; it is not a secret.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from boh_core.errors import BohError, msg

#: Characters that ``secrets.token_urlsafe`` produces (RFC 4648 base64url, no padding).
TOKEN_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
#: 16 random bytes (128 bits) is the least we accept; 22 base64url characters carry them.
TOKEN_MIN_BYTES = 16
TOKEN_MIN_LENGTH = 22
#: Generous upper bound so that a well-formed check never has to look at megabytes.
TOKEN_MAX_LENGTH = 86

_SHORT_CODE_RE = re.compile(r"([A-Z][A-Z0-9]{1,5})-([0-9]{4,9})")


def new_token(nbytes: int = 24) -> str:
    """Return a fresh URL-safe random token carrying ``nbytes`` bytes of entropy.

    24 bytes give a 32-character token: far beyond what anyone can enumerate against a
    rate-limited public page.
    """
    if isinstance(nbytes, bool) or not isinstance(nbytes, int):
        raise BohError(
            "nbytes", nbytes, msg("maintenance.tokens.nbytes.token_size_integer", nbytes=nbytes)
        )
    if not TOKEN_MIN_BYTES <= nbytes <= 64:
        raise BohError(
            "nbytes",
            nbytes,
            msg(
                "maintenance.tokens.nbytes.token_size_bytes",
                nbytes=nbytes,
                token_min_bytes=TOKEN_MIN_BYTES,
            ),
        )
    return secrets.token_urlsafe(nbytes)


def is_well_formed_token(s: object) -> bool:
    """Tell whether ``s`` looks like a token (length and alphabet only, no database).

    Meant to refuse junk before any lookup. It never short-circuits on the characters, so
    its timing depends only on the length; the secret comparison itself is done on
    digests with :func:`tokens_match`.
    """
    if not isinstance(s, str) or not TOKEN_MIN_LENGTH <= len(s) <= TOKEN_MAX_LENGTH:
        return False
    # A set difference walks the whole string instead of stopping at the first bad char.
    return not (set(s) - TOKEN_ALPHABET)


def token_digest(token: str) -> str:
    """Return the SHA-256 hex digest of ``token``, the form the database stores."""
    if not isinstance(token, str) or not token:
        raise BohError(
            "token", token, msg("maintenance.tokens.token.non_empty_string", token=token)
        )
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def tokens_match(token: str, digest: str) -> bool:
    """Compare a presented token with a stored digest in constant time."""
    if not isinstance(digest, str) or not is_well_formed_token(token):
        return False
    return hmac.compare_digest(token_digest(token), digest.lower())


def short_code(prefix: str, number: int) -> str:
    """Format a human-readable equipment code such as ``short_code("fry", 42) == "FRY-0042"``.

    The prefix is 2 to 6 letters or digits starting with a letter (upper-cased); the number
    is zero-padded to at least four digits.
    """
    if not isinstance(prefix, str) or not re.fullmatch(r"[A-Za-z][A-Za-z0-9]{1,5}", prefix):
        raise BohError(
            "prefix",
            prefix,
            msg("maintenance.tokens.prefix.code_letters_digits", prefix=prefix),
        )
    if isinstance(number, bool) or not isinstance(number, int) or not 0 < number < 10**9:
        raise BohError(
            "number",
            number,
            msg("maintenance.tokens.number.code_whole_from", number=number),
        )
    return f"{prefix.upper()}-{number:04d}"


def parse_short_code(code: str) -> tuple[str, int]:
    """Split a short code into ``(prefix, number)``; case and surrounding spaces are forgiven.

    The number must be padded as :func:`short_code` writes it (``FRY-00042`` is refused).

    ``parse_short_code(" fry-0042 ") == ("FRY", 42)``.
    """
    if not isinstance(code, str):
        raise BohError("code", code, msg("maintenance.tokens.code.equipment_text_like", code=code))
    match = _SHORT_CODE_RE.fullmatch(code.strip().upper())
    # Only the canonical padding is accepted, so one equipment never has two spellings.
    if not match or int(match.group(2)) == 0 or f"{int(match.group(2)):04d}" != match.group(2):
        raise BohError(
            "code",
            code,
            msg("maintenance.tokens.code.equipment_form_prefix", code=code),
        )
    return match.group(1), int(match.group(2))
