"""Citations of the policy: 第十五条, 第十六条(4).

The policy numbers its articles in Chinese numerals and every reason and
flag cites one, so the text a manager reads matches the printed policy.
"""

from __future__ import annotations

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1–99 the way article numbers are written (十五, 二十, 四十三)."""
    if not 1 <= n <= 99:
        raise ValueError(f"条号应在1–99之间，现为{n}")
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[ones] if ones else "")


def article(n: int) -> str:
    """第N条 in Chinese numerals."""
    return f"第{chinese_number(n)}条"


def clause(n: int, k: int) -> str:
    """第N条(k): item k of article N, as the policy numbers its items."""
    return f"{article(n)}({k})"
