"""The two bodies of a monthly message, from Jinja2 templates shipped in ``templates/``.

HTML is rendered with autoescape ON: customer names and flag messages come
from hand-filled workbooks and must reach a mail client as inert text
(``<script>`` shown, not run; ``=HYPERLINK(…)`` is just characters in mail).
``StrictUndefined`` makes a misspelt variable fail the tests instead of
silently printing nothing. The plain-text body carries the same facts for
clients that show no HTML (and for the archive).
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

MAX_FLAGS_SHOWN = 30  # per list; the rest are in Form 4's 超限逾期清单


def yuan(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:,.2f}"


def percent(ratio: Decimal | None) -> str:
    return "—" if ratio is None else f"{ratio * 100:.1f}%"


def bar(ratio: Decimal) -> int:
    """Width in % of a utilisation bar: full at 100 % and beyond (the colour tells the excess)."""
    return max(1, min(100, int(ratio * 100)))


def share(count: int, total: int) -> int:
    return round(100 * count / total) if total else 0


@lru_cache(maxsize=1)
def _env():
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("credit_workbook.mail", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), disabled_extensions=("txt",),
                                    default_for_string=True, default=True),
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    env.filters.update(yuan=yuan, percent=percent, bar=bar)
    env.globals.update(share=share, max_flags=MAX_FLAGS_SHOWN)
    return env


def render_html(context: dict) -> str:
    return _env().get_template("month.html").render(context)


def render_text(context: dict) -> str:
    # .txt is autoescape's one disabled extension: plain text is never HTML-escaped
    return _env().get_template("month.txt").render(context)
