#!/usr/bin/env python3
"""Lint as OCA's repository template does, with the tools from PyPI (``make lint``).

ruff (rules B, C90, E501, I, UP and the pyflakes/pycodestyle basics, configured in
pyproject.toml) over everything, ``ruff format --check``, and pylint with the pylint-odoo plugin
over the addons (the ``odoolint`` checks for Odoo 18). Installs the tools into ``.venv`` when
they are missing.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"


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
    print("lint: " + ("failed" if failed else "clean"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
