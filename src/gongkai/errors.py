"""Errors that mean "this input cannot be read": the CLI prints the message and exits 2."""

from __future__ import annotations


class InputError(Exception):
    """An input that is not a readable annual report; the message is shown to the user as is."""


class NotAReport(InputError):
    """Bytes that read fine but are not an annual report (a README, a news page). A directory run
    counts such a file as skipped, with this reason; a file named on its own still fails."""
