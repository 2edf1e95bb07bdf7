from credit_workbook.cli import main

raise SystemExit(main())
