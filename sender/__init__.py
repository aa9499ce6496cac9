"""The png2jpg sender: ``python -m sender`` (upload and enqueue), ``python -m sender.redrive``,
``python -m sender.preflight``; ``sender.terraform`` reads Terraform outputs for e2e, demo, bench.

The function's package (``png2jpg``: PNG signature, default prefixes, the key rule) is imported,
not copied: in a clone it lives in ``function/``, put on ``sys.path`` here.
"""

import sys
from pathlib import Path

_FUNCTION_DIR = Path(__file__).resolve().parent.parent / "function"
if _FUNCTION_DIR.is_dir() and str(_FUNCTION_DIR) not in sys.path:
    sys.path.insert(0, str(_FUNCTION_DIR))
