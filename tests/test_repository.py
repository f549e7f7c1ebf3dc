"""Rules the repository keeps: the function-length rule of ``make lint`` (scripts/lint.py)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import lint  # noqa: E402


def function(source: str) -> ast.FunctionDef:
    return ast.parse(source).body[0]


def test_the_docstring_does_not_count():
    body = "\n".join(f"    x{i} = {i}" for i in range(3))
    node = function(f'def f():\n    """One.\n\n    Two.\n    """\n{body}\n')
    assert lint.function_length(node) == 4


def test_long_functions_are_named_unless_their_docstring_says_why(tmp_path, monkeypatch):
    body = "\n".join(f"    x{i} = {i}" for i in range(lint.MAX_FUNCTION_LINES))
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "m.py").write_text(
        f'def short():\n    return 1\n\n\ndef long_one():\n    """Does much."""\n{body}\n\n\n'
        f'def long_ok():\n    """Does much.\n\n    Long because it is one story.\n    """\n{body}\n'
    )
    monkeypatch.setattr(lint, "ROOT", tmp_path)
    problems = lint.long_functions(("pkg",))
    assert len(problems) == 1
    assert problems[0].startswith("pkg/m.py:5: long_one is 61 lines")


def test_the_repository_keeps_the_rule():
    assert lint.long_functions() == []
