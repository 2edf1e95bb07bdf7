"""credit_workbook: the 《客户信用管理制度》 run from Excel workbooks.

Imports stay lazy here: every ribbon click starts a fresh Python, so the
package root must not pull in openpyxl, XlsxWriter or pandas.
"""

__version__ = "0.1.0"


def main() -> None:
    """What the Excel add-in runs on its button (``import credit_workbook; credit_workbook.main()``):
    the main button's action on the calling workbook. Never raises: failures become a message in Excel."""
    from credit_workbook.ribbon import main_button

    main_button()
