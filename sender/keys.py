"""The input-key → output-key mapping and prefix rules, taken from the function itself.

The sender reuses the Lambda function's own mapping (``png2jpg.message.output_key``) so that
``--wait`` looks for exactly the key the function writes: the two can never disagree. The
function's code lives in ``function/`` at the repository root, which is not an installed
package, so that directory is put on ``sys.path`` here.
"""

import sys
from pathlib import Path

_FUNCTION_DIR = str(Path(__file__).resolve().parent.parent / "function")
if _FUNCTION_DIR not in sys.path:
    sys.path.insert(0, _FUNCTION_DIR)

from png2jpg.message import check_prefixes, output_key  # noqa: E402

__all__ = ["check_prefixes", "output_key"]
