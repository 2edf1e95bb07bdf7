"""The workbook port: what a ribbon action needs from a workbook, and two adapters.

``base`` is the contract (plain values, no library); ``file`` reaches a
workbook on disk through calamine and the project's writers; ``excel``
reaches the workbook open in Excel through xlwings. Nothing is imported
here: each click of the ribbon starts a fresh Python, and only the adapter
in use may cost import time.
"""
