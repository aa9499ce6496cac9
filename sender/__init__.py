"""The png2jpg sender: upload PNG files to S3 and enqueue one SQS message per file.

``python -m sender --help`` explains it. Modules, one job each:

- :mod:`sender.cli`: the command line, exit statuses, Ctrl-C;
- :mod:`sender.files`: finding the files, their keys and groups, opening a PNG; a file's outcome;
- :mod:`sender.send`: concurrent uploads, SendMessageBatch in chunks of 10, per-entry retries;
- :mod:`sender.report`: progress bar, problem lines, summary line, the ``--json`` document;
- :mod:`sender.wait`: ``--wait`` for the JPEGs;
- :mod:`sender.destination`: bucket, queue and prefixes from flags, environment, Terraform outputs;
- :mod:`sender.checks`: checks made before any AWS call;
- :mod:`sender.aws`: boto3 clients, region from the queue URL, one line per setup mistake;
- :mod:`sender.terraform`: ``terraform_outputs``, the one Terraform-output reader (e2e uses it);
- :mod:`sender.preflight`: ``python -m sender.preflight`` (region, credentials, endpoint);
- :mod:`sender.redrive`: ``python -m sender.redrive`` moves the DLQ's messages back.

The function's code (``png2jpg``: PNG signature, default prefixes, the key rule) is imported, not
copied. In a clone it lives in ``function/``, which is put on ``sys.path`` here; ``pip install .``
installs it as a package.
"""

import sys
from pathlib import Path

_FUNCTION_DIR = Path(__file__).resolve().parent.parent / "function"
if _FUNCTION_DIR.is_dir() and str(_FUNCTION_DIR) not in sys.path:
    sys.path.insert(0, str(_FUNCTION_DIR))
