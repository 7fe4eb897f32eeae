"""`python -m dtmaturity` runs the command-line interface."""

from dtmaturity.cli import main

raise SystemExit(main())
