"""Entry point for ``python -m sender``."""

from sender.cli import main

raise SystemExit(main())
