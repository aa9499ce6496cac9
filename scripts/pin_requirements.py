"""Re-pin requirements/<name>.txt from requirements/<name>.in by installing into a fresh venv."""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "requirements"


def pin(source: Path, python: str) -> None:
    """Install ``source`` into a throwaway venv and write its ``pip freeze`` beside it."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([python, "-m", "venv", tmp], check=True)
        pip = [f"{tmp}/bin/python", "-m", "pip", "--disable-pip-version-check"]
        subprocess.run([*pip, "install", "-q", "-r", str(source)], check=True)
        frozen = subprocess.run(
            [*pip, "freeze", "--exclude-editable"], check=True, capture_output=True, text=True
        ).stdout
    header = (
        f"# Pinned from requirements/{source.name} (pip freeze in a fresh venv)."
        " Regenerate with: make requirements\n"
    )
    source.with_suffix(".txt").write_text(header + frozen)
    print(f"pinned {source.with_suffix('.txt').relative_to(ROOT)}")


def main() -> None:
    """Pin every requirements/*.in (or the names given) with the current Python."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help="e.g. dev checkov (default: all)")
    parser.add_argument("--python", default=sys.executable, help="interpreter for the venv")
    args = parser.parse_args()
    sources = [REQUIREMENTS / f"{n}.in" for n in args.names] or sorted(REQUIREMENTS.glob("*.in"))
    for source in sources:
        pin(source, args.python)


if __name__ == "__main__":
    main()
