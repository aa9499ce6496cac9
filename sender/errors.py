"""Errors the command line turns into exit statuses."""


class UsageError(Exception):
    """A problem with the command line or the configuration it points at (exit status 2)."""
