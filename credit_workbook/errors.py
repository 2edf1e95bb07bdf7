"""One exception type per failure mode a user can cause.

Everything derived from ``UserError`` is printed as ``错误：message`` by the
CLI (a traceback only with ``-v``); anything else is a fault of ours.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix; the message is Chinese and names the place."""

    exit_code = 2


class ConfigError(UserError):
    """credit.toml holds a wrong value; the message names the key and line."""


class WorkspaceError(UserError):
    """The folder is not a workspace, or a path in it is missing."""


class WorkbookOpenError(UserError):
    """The workbook is open in Excel or LibreOffice (a lock file lies beside it)."""


class NotAFormError(UserError):
    """The workbook lacks the defined names of the form it should be."""


class InputRejected(UserError):
    """An input file cannot be trusted; nothing from it was used."""
