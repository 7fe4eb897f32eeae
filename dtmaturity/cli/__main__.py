"""`python -m dtmaturity.cli` runs the command-line interface."""

from dtmaturity.cli import main

raise SystemExit(main())
