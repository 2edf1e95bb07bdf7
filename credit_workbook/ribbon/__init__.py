"""The Excel ribbon's buttons (tab 信用管理), each a function over the workbook port.

The add-in's VBA runs ``import credit_workbook; credit_workbook.main()`` in a
fresh Python per click and ignores which button was pressed, so the ribbon has
one button; clearing marks is ``credit-workbook button FILE --clear`` (README,
"The Excel ribbon (IT)", says why there are no further buttons). Nothing heavy is imported
until a button is pressed (``ribbon.buttons``).
"""


def main_button(book=None):
    """检查并评定: the active workbook's action (survey, register, ledger, Form 4, shipment requests)."""
    from credit_workbook.ribbon.buttons import main_button as button

    return button(book)
