"""Every core error has a code in one registry, with a template whose parameters the
call sites give: so that the Odoo side can translate each one (boh_core.messages)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from boh_core.errors import BohError, Message, msg
from boh_core.messages import MESSAGES
from boh_core.sales.payload import validate_push

CORE = Path(__file__).resolve().parents[2] / "boh_core"
PLACEHOLDER = re.compile(r"%\((\w+)\)([sr])")


def _calls():
    """(path, call node) of every call of BohError, msg, Message or a payload _Problem."""
    for path in sorted(CORE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                yield path.relative_to(CORE.parent), node


def test_every_code_used_in_the_core_is_in_the_registry_with_its_parameters():
    used = set()
    for path, call in _calls():
        if call.func.id != "msg":
            continue
        code = call.args[0]
        assert isinstance(code, ast.Constant), f"{path}:{call.lineno}: code must be a literal"
        assert code.value in MESSAGES, f"{path}:{call.lineno}: unknown code {code.value!r}"
        given = {kw.arg for kw in call.keywords}
        wanted = {name for name, _ in PLACEHOLDER.findall(MESSAGES[code.value])}
        assert given == wanted, f"{path}:{call.lineno}: {code.value} takes {sorted(wanted)}"
        used.add(code.value)
    assert set(MESSAGES) == used, f"codes nobody uses: {sorted(set(MESSAGES) - used)}"


def test_no_core_error_is_built_from_plain_text():
    for path, call in _calls():
        if call.func.id == "BohError" and len(call.args) >= 3:
            message = call.args[2]
            plain = isinstance(message, ast.Constant | ast.JoinedStr)
            assert not plain, f"{path}:{call.lineno}: give BohError a msg(...), not text"
        if call.func.id == "_Problem":
            assert not isinstance(call.args[0], ast.Constant | ast.JoinedStr), path


def test_templates_use_only_named_placeholders():
    for code, template in MESSAGES.items():
        assert re.fullmatch(r"[a-z0-9_]+(\.[a-z0-9_]+)+", code), code
        rest = PLACEHOLDER.sub("", template).replace("%%", "")
        assert "%" not in rest, f"{code}: every placeholder is %(name)s or %(name)r"


def test_an_error_keeps_its_english_text_and_gains_a_code():
    error = BohError("recipe", 7, msg("recipes.recipe.unknown_pass_id", recipe_id="7"))
    assert str(error) == error.message == MESSAGES[error.code] % {"recipe_id": "7"}
    assert error.as_dict() == {
        "code": "recipes.recipe.unknown_pass_id",
        "field": "recipe",
        "value": 7,
        "message": error.message,
    }


def test_plain_text_errors_from_outside_the_core_still_work():
    error = BohError("x", 1, "Something is wrong.")
    assert (error.code, str(error), error.detail) == ("error", "Something is wrong.", None)


def test_an_unknown_code_is_refused_at_once():
    with pytest.raises(KeyError):
        msg("no.such.code")


def test_a_message_renders_its_nested_messages_with_the_same_templates():
    inner = msg("payload.field.missing", label="qty")
    outer = msg(
        "payload.in_context_line", label=msg("payload.label.line", line_ref="L1"), message=inner
    )
    assert outer.render() == "Line 'L1': qty is missing; it is required."
    shouting = outer.render(
        lambda code: (
            MESSAGES[code]
            .upper()
            .replace("%(LABEL)S", "%(label)s")
            .replace("%(MESSAGE)S", "%(message)s")
            .replace("%(LINE_REF)R", "%(line_ref)r")
        )
    )
    assert shouting == "LINE 'L1': qty IS MISSING; IT IS REQUIRED."
    assert isinstance(outer, Message) and outer.code == "payload.in_context_line"


def test_payload_issues_carry_the_code_of_their_problem():
    now_push = {
        "source": "pos",
        "orders": [
            {
                "order_ref": "A1",
                "location": "WH",
                "business_date": "2026-01-02",
                "closed_at": "2026-01-02T12:00:00Z",
                "lines": [{"line_ref": "L1", "item_code": "X", "qty": 0, "unit_price": 1}],
            }
        ],
    }
    result = validate_push(now_push)
    (issue,) = result.results[0].issues
    assert issue.code == "payload.qty.out_of_range"
    answer = issue.as_dict()
    assert answer["code"] == issue.code and answer["field"] == "qty"
    assert answer["message"] == issue.message == issue.detail.render()
    assert validate_push([]).error.code == "payload.not_an_object"
