"""Where things are in the repository."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FUNCTION_DIR = ROOT / "function"
ZIP = ROOT / "build" / "function.zip"
PYTHON = sys.executable
