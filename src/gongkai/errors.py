"""Errors that mean "this input cannot be read": the CLI prints the message and exits 2."""

from __future__ import annotations


class InputError(Exception):
    """An input that is not a readable annual report; the message is shown to the user as is."""
