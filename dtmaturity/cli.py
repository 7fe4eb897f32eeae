"""Command-line interface: `dtmaturity demo | export | migrate` (also `python -m dtmaturity`)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from dtmaturity import demo, exports
from dtmaturity.context import Context, local_actor
from dtmaturity.framework import FrameworkError
from dtmaturity.runtime import open_runtime
from dtmaturity.store import Store, StoreError, default_db_path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dtmaturity", description="Track digital-transformation maturity over time."
    )
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help="database file (default: $DTMATURITY_DB or data/dtmaturity.duckdb)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("migrate", help="create or upgrade the database schema")
    demo_cmd = commands.add_parser("demo", help="create the fictional demo organisation")
    demo_cmd.add_argument("--remove", action="store_true", help="remove the demo data instead")
    demo_cmd.add_argument(
        "--scale",
        choices=["default", "national"],
        default="default",
        help="default: Fjordetaten, 18 units, 8 quarters; national: about 2,000 units in a "
        "four-level tree, 20 quarters, about 3 million answers (generated in DuckDB)",
    )
    export_cmd = commands.add_parser("export", help="write all answers as long-format CSV")
    export_cmd.add_argument(
        "--output", "-o", type=Path, default=None, help="CSV file to write (default: stdout)"
    )
    return parser


def _context(db: Path | None) -> Context:
    store, framework = open_runtime(db)
    return Context(actor=local_actor(), store=store, framework=framework, lang="en")


def _migrate(db: Path | None) -> int:
    store = Store(db or default_db_path(), migrate=False)
    applied = store.migrate()
    for name in applied:
        print(f"applied migration {name}")
    print(f"{store.path}: schema version {store.schema_version()}")
    store.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "migrate":
            return _migrate(args.db)
        ctx = _context(args.db)
        if args.command == "demo":
            if args.remove:
                print(f"removed {demo.remove(ctx)} demo units")
            else:
                create = demo.create_national if args.scale == "national" else demo.create
                summary = create(ctx)
                print(
                    f"created demo organisation: {summary.units} units, "
                    f"{summary.checkins} check-ins, {summary.answers} answers in {ctx.store.path}"
                )
        elif args.command == "export":
            count = exports.export_answers(ctx, args.output)
            if args.output:
                print(f"wrote {count} answers to {args.output}", file=sys.stderr)
        ctx.store.close()
        return 0
    except (FrameworkError, StoreError) as exc:
        print(f"dtmaturity: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader (e.g. `| head`) stopped early; that is not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
