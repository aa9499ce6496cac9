"""Entry point for ``python -m sender.capacity``."""

from sender.capacity.cli import main

raise SystemExit(main())
