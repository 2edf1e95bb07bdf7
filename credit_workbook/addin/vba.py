"""The add-in's VBA as text, so reviewers read what ships without opening Excel.

``macros/vba/`` holds one file per VBA module, extracted with olevba from
the built add-in; the tests compare it with the binary on every run, so the
text cannot drift from what Excel executes. Regenerate after an xlwings
upgrade (and review the diff) with::

    python -m credit_workbook.addin.vba macros/vba

olevba (oletools) is a test dependency, imported only here.
"""

from __future__ import annotations

import sys
from pathlib import Path


def extract_modules(xlam: bytes) -> dict[str, str]:
    """Module file name (``RibbonMyAddin.bas``, ``Sheet2.cls`` …) -> source with LF line ends."""
    import logging
    import warnings

    with warnings.catch_warnings():  # oletools 0.60 still calls pyparsing's pre-3.0 names
        warnings.simplefilter("ignore", DeprecationWarning)
        from oletools.olevba import VBA_Parser

    logging.getLogger("olevba").setLevel(logging.ERROR)  # "VBA stomping cannot be detected in memory"
    parser = VBA_Parser("addin.xlam", data=xlam)
    try:
        return {name: code.replace("\r\n", "\n") for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def write_sources(out_dir: Path) -> list[Path]:
    from credit_workbook.addin.build import build_addin
    from credit_workbook.fileio import atomic_write

    written = []
    for name, code in sorted(extract_modules(build_addin()).items()):
        path = Path(out_dir) / name
        atomic_write(path, code.encode("utf-8"))
        written.append(path)
    return written


if __name__ == "__main__":
    for p in write_sources(Path(sys.argv[1] if len(sys.argv) > 1 else "macros/vba")):
        print(p)
