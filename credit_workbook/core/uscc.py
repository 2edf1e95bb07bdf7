"""统一社会信用代码 (GB 32100-2015): the check digit, and what is wrong with a code.

Written here rather than taken from python-stdnum, which rejects valid codes
beginning with A, N or Y. A bad check digit is reported as such (not as a
malformed code) because some real early codes fail it: callers warn on it
and block only the other problems.
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
VALUES = {ch: i for i, ch in enumerate(ALPHABET)}
MODULUS = 31
LENGTH = 18
WEIGHTS = tuple(pow(3, i, MODULUS) for i in range(LENGTH - 1))  # 1, 3, 9, 27, 19, …


def check_char(first17: str) -> str:
    """The 18th character that makes ``first17`` a valid code."""
    if len(first17) != LENGTH - 1:
        raise ValueError(f"需要前17位，现为{len(first17)}位")
    bad = _invalid_chars(first17)
    if bad:
        raise ValueError(f"含有无效字符{_quote(bad)}")
    total = sum(VALUES[ch] * w for ch, w in zip(first17, WEIGHTS))
    return ALPHABET[(MODULUS - total % MODULUS) % MODULUS]


def make_uscc(first17: str) -> str:
    """A valid code from its first 17 characters (sample data, tests)."""
    return first17 + check_char(first17)


def uscc_problem(code: str) -> str | None:
    """What is wrong with ``code``, in Chinese; None when it is valid.

    The code is expected already cleaned (see ``parse.clean_code``); lower
    case is tolerated. A wrong length and invalid characters are reported
    together so the clerk fixes both at once; the check digit is judged only
    on an otherwise well-formed code.
    """
    code = code.strip().upper()
    problems = []
    if len(code) != LENGTH:
        problems.append(f"统一社会信用代码应为{LENGTH}位，现为{len(code)}位")
    bad = _invalid_chars(code)
    if bad:
        problems.append(f"统一社会信用代码含有无效字符{_quote(bad)}（不使用I、O、S、V、Z）")
    if problems:
        return "；".join(problems)
    expected = check_char(code[:-1])
    if code[-1] != expected:
        return (f"校验位应为“{expected}”，填的是“{code[-1]}”"
                "（部分早期代码校验不通过，请核对营业执照）")
    return None


def _invalid_chars(text: str) -> list[str]:
    return list(dict.fromkeys(ch for ch in text if ch not in VALUES))


def _quote(chars: list[str]) -> str:
    return "、".join(f"“{ch}”" for ch in chars)
