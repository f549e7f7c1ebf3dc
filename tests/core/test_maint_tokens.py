"""Tests for boh_core.maintenance.tokens: label tokens, digests and short codes."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from boh_core.errors import BohError
from boh_core.maintenance.tokens import (
    TOKEN_ALPHABET,
    TOKEN_MAX_LENGTH,
    is_well_formed_token,
    new_token,
    parse_short_code,
    short_code,
    token_digest,
    tokens_match,
)


def test_new_token_is_long_url_safe_and_unique():
    tokens = {new_token() for _ in range(2000)}
    assert len(tokens) == 2000
    for token in list(tokens)[:50]:
        assert len(token) == 32  # 24 bytes in base64url without padding
        assert set(token) <= TOKEN_ALPHABET
        assert is_well_formed_token(token)
    assert len(new_token(16)) == 22
    assert len(new_token(64)) == 86


@pytest.mark.parametrize("nbytes", [0, 8, 15, 65, 1000, -1, 2.5, "24", True, None])
def test_new_token_refuses_weak_or_silly_sizes(nbytes):
    with pytest.raises(BohError) as info:
        new_token(nbytes)
    assert info.value.field == "nbytes"
    assert repr(nbytes) in str(info.value) or str(nbytes) in str(info.value)


@pytest.mark.parametrize(
    "candidate",
    [
        None,
        42,
        b"A" * 32,
        "",
        "A" * 21,
        "A" * (TOKEN_MAX_LENGTH + 1),
        "A" * 31 + "/",
        "A" * 31 + "%",
        "A" * 31 + " ",
        "A" * 31 + "=",
        "A" * 31 + "é",
        "../../../etc/passwd/xxxxxxxxxx",
        "A" * 10 + "\x00" + "A" * 21,
    ],
)
def test_is_well_formed_token_refuses_junk(candidate):
    assert is_well_formed_token(candidate) is False


@given(st.text(max_size=200))
def test_is_well_formed_token_is_exactly_length_and_alphabet(text):
    expected = 22 <= len(text) <= TOKEN_MAX_LENGTH and set(text) <= TOKEN_ALPHABET
    assert is_well_formed_token(text) is expected


def test_token_digest_is_sha256_hex_and_matches_in_constant_time():
    assert token_digest("abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
    token = new_token()
    digest = token_digest(token)
    assert digest == hashlib.sha256(token.encode()).hexdigest()
    assert tokens_match(token, digest)
    assert tokens_match(token, digest.upper())
    assert not tokens_match(new_token(), digest)
    assert not tokens_match(token[:-1] + ("A" if token[-1] != "A" else "B"), digest)
    assert not tokens_match("short", token_digest("short"))  # malformed tokens never match
    assert not tokens_match(token, None)


@pytest.mark.parametrize("bad", ["", None, 12])
def test_token_digest_refuses_non_text(bad):
    with pytest.raises(BohError) as info:
        token_digest(bad)
    assert info.value.field == "token"


def test_short_code_formats_and_parses():
    assert short_code("FRY", 42) == "FRY-0042"
    assert short_code("fry", 42) == "FRY-0042"
    assert short_code("CR2", 123456) == "CR2-123456"
    assert parse_short_code(" fry-0042 ") == ("FRY", 42)
    assert parse_short_code("CR2-123456") == ("CR2", 123456)


@pytest.mark.parametrize(
    ("prefix", "number", "field"),
    [
        ("F", 1, "prefix"),
        ("TOOLONG", 1, "prefix"),
        ("2FR", 1, "prefix"),
        ("FR-Y", 1, "prefix"),
        ("冷库", 1, "prefix"),
        (None, 1, "prefix"),
        ("FRY", 0, "number"),
        ("FRY", -3, "number"),
        ("FRY", 10**9, "number"),
        ("FRY", 1.0, "number"),
        ("FRY", True, "number"),
    ],
)
def test_short_code_refuses_bad_parts(prefix, number, field):
    with pytest.raises(BohError) as info:
        short_code(prefix, number)
    assert info.value.field == field


@pytest.mark.parametrize(
    "code",
    ["", "FRY", "FRY-42", "FRY-0000", "FRY 0042", "F-0042", "FRY-00042", "FRY-0042x", None, 42],
)
def test_parse_short_code_refuses_malformed(code):
    with pytest.raises(BohError) as info:
        parse_short_code(code)
    assert info.value.field == "code"
    assert "FRY-0042" in str(info.value)


@given(
    st.from_regex(r"[A-Za-z][A-Za-z0-9]{1,5}", fullmatch=True),
    st.integers(min_value=1, max_value=10**9 - 1),
)
def test_short_code_round_trips(prefix, number):
    code = short_code(prefix, number)
    assert parse_short_code(code) == (prefix.upper(), number)
    assert parse_short_code(code.lower()) == (prefix.upper(), number)


@given(st.text(max_size=40))
def test_parse_short_code_only_raises_boh_error(text):
    try:
        prefix, number = parse_short_code(text)
    except BohError as error:
        assert error.field == "code"
    else:
        assert short_code(prefix, number) == text.strip().upper()
