"""The png2jpg sender (``python -m sender``), ``sender.redrive`` and ``sender.preflight``.

The function's package ``png2jpg`` is imported, not copied; in a clone it lives in ``function/``.
"""

import sys
from pathlib import Path

_FUNCTION_DIR = Path(__file__).resolve().parent.parent / "function"
if _FUNCTION_DIR.is_dir() and str(_FUNCTION_DIR) not in sys.path:
    sys.path.insert(0, str(_FUNCTION_DIR))
