"""Monthly summary mail to the managers (SPEC §6 Mail).

``send_month_mail`` (``credit_workbook.mail.monthly``) is what ``run``/``watch``
call after a month's outputs are written; ``credit_workbook.mail.command``
holds the ``credit-workbook mail`` subcommand. Imports stay lazy: the CLI
imports this package for ``--help``, which must not load smtplib or Jinja2.
"""

from __future__ import annotations

__all__ = ["Delivery", "MailResult", "already_sent", "send_month_mail"]


def __getattr__(name: str):
    if name in __all__:
        from credit_workbook.mail import monthly

        return getattr(monthly, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
