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


# -- refusals of credit_workbook.guard, raised before any parser opens the file.
# Messages start with "file name: " like every reader's, so callers that strip
# that prefix to build a problem place keep working.


class UnsafeInput(InputRejected):
    """The guard refused a received file before any parser saw it."""


class WrongFileType(UnsafeInput):
    """The content is not a kind this reader takes (a CSV named .xlsx, a web page, another Office file)."""


class DamagedWorkbook(UnsafeInput):
    """The container is truncated or malformed (zip directory, OLE2 sectors, cell references)."""


class TooManyParts(UnsafeInput):
    """The .xlsx zip holds more members than ``max_parts``."""


class UnpackedTooLarge(UnsafeInput):
    """Unpacked, the file would exceed ``max_unpacked_mb``: the classic zip bomb."""


class SuspiciousCompression(UnsafeInput):
    """One part is compressed far beyond what real spreadsheet XML allows (``max_ratio``)."""


class SheetTooLarge(UnsafeInput):
    """A sheet's used area (declared or real) exceeds ``max_rows``, ``max_columns`` or ``max_cells``."""


class XmlDeclarationsRefused(UnsafeInput):
    """An XML part carries a DTD (<!DOCTYPE>, entities): billion laughs and XXE start there."""


class EncryptedWorkbook(UnsafeInput):
    """The workbook has an opening password and none was provided."""


class WrongPassword(UnsafeInput):
    """The password in the configured environment variable does not open the workbook."""


class XmlProtectionMissing(UserError):
    """openpyxl would parse XML without defusedxml: an installation fault, so exit 1."""

    exit_code = 1
