"""Article citations in Chinese numerals."""

from __future__ import annotations

import pytest

from credit_workbook.core.articles import article, chinese_number, clause


@pytest.mark.parametrize("n, text", [
    (1, "第一条"), (9, "第九条"), (10, "第十条"), (11, "第十一条"), (15, "第十五条"),
    (18, "第十八条"), (20, "第二十条"), (24, "第二十四条"), (30, "第三十条"),
    (36, "第三十六条"), (43, "第四十三条"), (99, "第九十九条"),
])
def test_article(n, text):
    assert article(n) == text


def test_clause():
    assert clause(15, 1) == "第十五条(1)"
    assert clause(16, 9) == "第十六条(9)"


def test_all_numbers_distinct_and_without_zero():
    texts = [chinese_number(n) for n in range(1, 100)]
    assert len(set(texts)) == 99
    assert not any("零" in t for t in texts)


@pytest.mark.parametrize("n", [0, 100, -1])
def test_out_of_range(n):
    with pytest.raises(ValueError, match="条号应在1–99之间"):
        article(n)
