"""credit_workbook: the 《客户信用管理制度》 run from Excel workbooks.

Imports stay lazy here: every ribbon click starts a fresh Python, so the
package root must not pull in openpyxl, XlsxWriter or pandas.
"""

__version__ = "0.1.0"
