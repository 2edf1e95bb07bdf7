"""统一社会信用代码 check digit and problem messages (GB 32100-2015)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credit_workbook.core.uscc import ALPHABET, WEIGHTS, check_char, make_uscc, uscc_problem

VALID = "91110000600037341L"


def test_weights_are_the_standards_table():
    assert WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def test_known_valid_code():
    assert check_char(VALID[:17]) == "L"
    assert uscc_problem(VALID) is None


def test_lower_case_is_accepted():
    assert uscc_problem(VALID.lower()) is None


def test_remainder_zero_gives_check_zero():
    # Σ mod 31 == 0 ⇒ 31 − 0 = 31 ⇒ "0", not an index error.
    assert check_char("0" * 17) == "0"
    assert uscc_problem("0" * 18) is None


@pytest.mark.parametrize("first17", ["A1110000600037341", "N1110000600037341", "Y1110000600037341"])
def test_codes_starting_with_a_n_y_are_fine(first17):
    # python-stdnum wrongly rejects these.
    assert uscc_problem(make_uscc(first17)) is None


def test_bad_check_digit_message():
    assert uscc_problem("91110000600037341X") == (
        "校验位应为“L”，填的是“X”（部分早期代码校验不通过，请核对营业执照）"
    )


@pytest.mark.parametrize("code, length", [(VALID[:17], 17), (VALID + "0", 19), ("", 0)])
def test_wrong_length(code, length):
    assert uscc_problem(code) == f"统一社会信用代码应为18位，现为{length}位"


def test_invalid_characters_are_named_once_each_in_order():
    assert uscc_problem("9111000060OO3734IL") == (
        "统一社会信用代码含有无效字符“O”、“I”（不使用I、O、S、V、Z）"
    )


def test_length_and_characters_reported_together():
    message = uscc_problem("9111000060003734Z")
    assert message == ("统一社会信用代码应为18位，现为17位；"
                       "统一社会信用代码含有无效字符“Z”（不使用I、O、S、V、Z）")


def test_invalid_check_position_is_a_character_problem_not_a_check_digit():
    # Readers treat 校验位… as a warning; a non-alphabet 18th char is an error.
    assert uscc_problem(VALID[:17] + "Z").startswith("统一社会信用代码含有无效字符“Z”")


@pytest.mark.parametrize("first17, message", [("1234", "需要前17位，现为4位"),
                                             ("9111000060003734O", "含有无效字符“O”")])
def test_check_char_rejects_bad_input(first17, message):
    with pytest.raises(ValueError) as exc:
        check_char(first17)
    assert str(exc.value) == message


@given(st.text(alphabet=ALPHABET, min_size=17, max_size=17))
def test_made_codes_validate_and_any_single_change_is_caught(first17):
    code = make_uscc(first17)
    assert uscc_problem(code) is None
    for pos in (0, 8, 16):
        changed = ALPHABET[(ALPHABET.index(code[pos]) + 1) % 31]
        altered = code[:pos] + changed + code[pos + 1:]
        assert uscc_problem(altered).startswith("校验位应为")
