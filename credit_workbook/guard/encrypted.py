"""Workbooks with an opening password: say so, or open them in memory with the configured password.

The password comes only from the environment variable that credit.toml's
``[inputs] workbook_password_env`` names — never from a file in the workspace, which
is copied, backed up and mailed — and never appears in a message or a log.
The decrypted workbook stays in memory (a ``bytes`` the readers open as a
file object): no plaintext copy of a protected file is left on disk.
msoffcrypto-tool is imported only when such a file shows up.
"""

from __future__ import annotations

import io
import os
from typing import BinaryIO

from credit_workbook.errors import (
    DamagedWorkbook,
    EncryptedWorkbook,
    UnpackedTooLarge,
    WrongPassword,
)
from credit_workbook.guard.limits import InputLimits


def decrypt(source: str | BinaryIO, name: str, limits: InputLimits) -> bytes:
    """The decrypted workbook, or ``EncryptedWorkbook`` / ``WrongPassword`` naming the file."""
    env = limits.workbook_password_env
    password = os.environ.get(env) if env else None
    if not password:
        raise EncryptedWorkbook(
            f"{name}: 文件已加密，无法读取（请另存为不加密的文件，或把打开密码放在环境变量 {env} 中）")
    import msoffcrypto
    from msoffcrypto.exceptions import DecryptionError, InvalidKeyError

    try:
        with _opened(source) as fh:
            office = msoffcrypto.OfficeFile(fh)
            office.load_key(password=password)
            out = io.BytesIO()
            office.decrypt(out)
    except InvalidKeyError:
        raise WrongPassword(f"{name}: 文件已加密，环境变量 {env} 中的密码打不开它（请核对密码）") from None
    except DecryptionError:
        raise WrongPassword(f"{name}: 文件已加密，环境变量 {env} 中的密码打不开它（请核对密码）") from None
    except Exception as exc:  # noqa: BLE001 - unknown encryption schemes, broken containers
        raise DamagedWorkbook(f"{name}: 文件已加密，但加密格式无法识别或已损坏（{type(exc).__name__}），"
                              "请另存为不加密的文件") from None
    data = out.getvalue()
    if len(data) > limits.max_unpacked_bytes:
        raise UnpackedTooLarge(f"{name}: 解密后过大（{len(data) / (1 << 20):,.0f} MiB，上限 "
                               f"{limits.max_unpacked_mb:,} MiB），拒绝读取")
    return data


class _opened:
    """A path opened for reading, or a file object rewound (and left open for its owner)."""

    def __init__(self, source):
        self.source, self.fh = source, None

    def __enter__(self):
        if isinstance(self.source, (str, os.PathLike)):
            self.fh = open(self.source, "rb")
            return self.fh
        self.source.seek(0)
        return self.source

    def __exit__(self, *exc):
        if self.fh is not None:
            self.fh.close()
