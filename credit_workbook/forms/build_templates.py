"""Regenerate the four blank official forms in ``templates/``.

The templates are build products checked into the repository; running this
again must give the same bytes (fixed creation time, fixed zip timestamps),
so a diff in git means the forms really changed.

    python -m credit_workbook.forms.build_templates [OUT_DIR]
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from credit_workbook.forms.execution_review import write_execution_review
from credit_workbook.forms.grade_summary import write_grade_summary
from credit_workbook.forms.register import write_register
from credit_workbook.forms.rows import FIXED_CREATED, FormMeta
from credit_workbook.forms.survey_template import build_survey_template

FIXED = FIXED_CREATED
TEMPLATE_COMPANY = "（编制单位）"
SURVEY = "客户信用调查评定表.xlsx"
GRADE_SUMMARY = "客户信用等级分类汇总表.xlsx"
REGISTER = "预付赊销客户汇总表.xlsx"
EXECUTION_REVIEW = "客户授信额度执行评价表.xlsx"
TEMPLATE_FILES = (SURVEY, GRADE_SUMMARY, REGISTER, EXECUTION_REVIEW)
DEFAULT_DIR = Path(__file__).resolve().parents[2] / "templates"


def build_all(out_dir: Path, created: datetime = FIXED) -> list[Path]:
    """Write the four blank forms into ``out_dir``; returns their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    meta = FormMeta(company=TEMPLATE_COMPANY, period="", as_of=None, created=created)
    return [
        build_survey_template(out_dir / SURVEY, created),
        write_grade_summary(out_dir / GRADE_SUMMARY, (), meta),
        write_register(out_dir / REGISTER, (), meta, jan1_exposure=None),
        write_execution_review(out_dir / EXECUTION_REVIEW, (), meta=meta),
    ]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out_dir = Path(args[0]) if args else DEFAULT_DIR
    for path in build_all(out_dir):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
