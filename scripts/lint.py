#!/usr/bin/env python3
"""Lint as OCA's repository template does, with the tools from PyPI (``make lint``).

ruff (rules B, C90, E501, I, UP and the pyflakes/pycodestyle basics, configured in
pyproject.toml) over everything, ``ruff format --check``, and pylint with the pylint-odoo plugin
over the addons (the ``odoolint`` checks for Odoo 18), and the suite's own rule on function
length (:func:`long_functions`). Installs the tools into ``.venv`` when they are missing.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
#: Where the function-length rule holds: the addons and the core (CONTRIBUTING.md).
LENGTH_CHECKED = ("addons", "boh_core")
#: Most lines a function may take, its docstring not counted...
MAX_FUNCTION_LINES = 60
#: ...unless its docstring says why it is longer, in a sentence that starts so.
LONG_BECAUSE = re.compile(r"(^|\n)\s*Long because\b")


def function_length(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines from ``def`` to the function's last line, less its docstring's."""
    lines = node.end_lineno - node.lineno + 1
    first = node.body[0]
    if ast.get_docstring(node, clean=False) is not None:
        lines -= first.end_lineno - first.lineno + 1
    return lines


def long_functions(roots: tuple[str, ...] = LENGTH_CHECKED) -> list[str]:
    """Functions over :data:`MAX_FUNCTION_LINES` lines whose docstring does not say why
    (a sentence starting "Long because"), as ``path:line: name is N lines`` messages."""
    problems = []
    for root in roots:
        for path in sorted((ROOT / root).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                length = function_length(node)
                docstring = ast.get_docstring(node) or ""
                if length > MAX_FUNCTION_LINES and not LONG_BECAUSE.search(docstring):
                    problems.append(
                        f"{path.relative_to(ROOT)}:{node.lineno}: {node.name} is {length} "
                        f"lines (at most {MAX_FUNCTION_LINES}, or say why in its docstring: "
                        '"Long because ...")'
                    )
    return problems


def ensure_tools() -> None:
    if not VENV_PYTHON.exists():
        subprocess.run([sys.executable, "-m", "venv", str(ROOT / ".venv")], check=True)
    probe = subprocess.run(
        [str(VENV_PYTHON), "-c", "import ruff, pylint_odoo"], capture_output=True
    )
    if probe.returncode:
        subprocess.run(
            [str(VENV_PYTHON), "-m", "pip", "install", "-q", "ruff", "pylint-odoo"], check=True
        )


def main() -> int:
    ensure_tools()
    addons = sorted(str(p.parent) for p in (ROOT / "addons").glob("*/__manifest__.py"))
    steps = [
        [str(VENV_PYTHON), "-m", "ruff", "check", "."],
        [str(VENV_PYTHON), "-m", "ruff", "format", "--check", "."],
        [
            str(VENV_PYTHON),
            "-m",
            "pylint",
            "--load-plugins=pylint_odoo",
            "--disable=all",
            "--enable=odoolint",
            "--valid-odoo-versions=18.0",
            "--disable=missing-readme,manifest-required-author,website-manifest-key-not-valid-uri",
            "--score=n",
            *addons,
        ],
    ]
    failed = 0
    for cmd in steps:
        print("$", " ".join(cmd[2:]), flush=True)
        failed += subprocess.run(cmd, cwd=ROOT).returncode != 0
    print(f"$ function length (at most {MAX_FUNCTION_LINES} lines)", flush=True)
    problems = long_functions()
    for problem in problems:
        print(problem)
    failed += bool(problems)
    print("lint: " + ("failed" if failed else "clean"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
