"""The Excel ribbon's buttons (tab 信用管理), each a function over the workbook port.

The add-ins' VBA runs ``import <module>; <module>.main()`` in a fresh Python
per click; those modules call the functions here. Nothing heavy is imported
until a button is pressed (``ribbon.buttons``).
"""


def main_button(book=None):
    """检查并评定: the active workbook's action (survey, register, ledger, Form 4, shipment requests)."""
    from credit_workbook.ribbon.buttons import main_button as button

    return button(book)


def clear_marks_button(book=None):
    """清除标注: the tool's colours and notes off the active workbook."""
    from credit_workbook.ribbon.buttons import clear_marks_button as button

    return button(book)


def open_workspace_button(book=None):
    """打开工作目录: the active workbook's workspace folder in Explorer."""
    from credit_workbook.ribbon.buttons import open_workspace_button as button

    return button(book)


def month_summaries_button(book=None):
    """生成本月汇总: Forms 2–4 and results.json of the latest month."""
    from credit_workbook.ribbon.buttons import month_summaries_button as button

    return button(book)
