"""Personal data: `people import | export | erase`, `purge` (old check-ins), `audit` (the log)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dtmaturity.cli.acting import opened
from dtmaturity.cli.options import FILE, dry_run_option, lang_option
from dtmaturity.cli.root import Group, cli
from dtmaturity.domain.i18n import counted, t


@cli.group(cls=Group, name="people")
def people_group() -> None:
    """People and their roles; personal data export and erasure."""


@people_group.command("import")
@click.argument("file", type=FILE)
@dry_run_option("validate only")
@lang_option()
@click.pass_obj
def people_import(db: Path | None, file: Path, dry_run: bool, lang: str) -> int:
    """Register people and role assignments from CSV (email,name,role,unit_id)."""
    from dtmaturity.services import peopleimport

    with opened(db) as ctx:
        result = peopleimport.import_people(ctx, file, dry_run=dry_run)
    for line in result.lines(file.name, lang):
        print(line, file=sys.stderr)
    if result.problems:
        print(t(lang, "cli_people_rejected"), file=sys.stderr)
        return 1
    if dry_run:
        print(t(lang, "cli_people_checked", rows_text=counted(lang, "n_rows", result.rows)))
    else:
        new_text = counted(lang, "n_new_assignments", result.new_assignments)
        print(
            t(
                lang,
                "cli_people_done",
                new_text=new_text,
                rows_text=counted(lang, "n_rows", result.rows),
            )
        )
    return 0


@people_group.command("export")
@click.argument("person_id")
@click.option("--output", "-o", type=FILE, required=True)
@click.pass_obj
def people_export(db: Path | None, person_id: str, output: Path) -> int:
    """Everything stored about a person (ZIP)."""
    from dtmaturity import safefiles
    from dtmaturity.services import personaldata

    with opened(db) as ctx:
        safefiles.replace(output, personaldata.export_person(ctx, person_id))
    print(f"wrote {output}")
    return 0


@people_group.command("erase")
@click.argument("person_id")
@click.option("--yes", is_flag=True, help="confirm: this cannot be undone")
@click.pass_obj
def people_erase(db: Path | None, person_id: str, yes: bool) -> int:
    """Erase a person: free text and identity deleted, scores anonymised."""
    from dtmaturity.services import personaldata

    with opened(db) as ctx:
        if not yes:
            print(
                "dtmaturity people erase: add --yes to confirm; this cannot be undone",
                file=sys.stderr,
            )
            return 2
        counts = personaldata.erase_person(ctx, person_id)
    print(", ".join(f"{key.replace('_', ' ')}: {value}" for key, value in counts.items()))
    return 0


@cli.command()
@click.option(
    "--keep-quarters",
    type=int,
    default=None,
    help="quarters to keep, counting the current one (default: the retention setting)",
)
@dry_run_option("only count what would go")
@click.pass_obj
def purge(db: Path | None, keep_quarters: int | None, dry_run: bool) -> int:
    """Delete check-ins older than N quarters."""
    from dtmaturity.services import personaldata

    with opened(db) as ctx:
        keep = keep_quarters or personaldata.retention_quarters(ctx)
        if not keep:
            print("dtmaturity purge: give --keep-quarters N (no retention is set)", file=sys.stderr)
            return 2
        counts = personaldata.purge(ctx, keep, dry_run=dry_run)
    verb = "would delete" if dry_run else "deleted"
    print(
        f"{verb} before {counts['before']}: {counts['checkin']} check-ins, "
        f"{counts['answer']} answers, {counts['reflection']} reflections, "
        f"{counts['role_pick']} role picks"
    )
    return 0


@cli.command()
@click.option("--output", "-o", type=FILE, default=None)
@click.pass_obj
def audit(db: Path | None, output: Path | None) -> int:
    """Write the audit log as CSV."""
    from dtmaturity import safefiles
    from dtmaturity.services import audit, exports

    with opened(db) as ctx:
        frame = audit.audit_log(ctx, limit=10_000_000)
    text = exports.csv_text(frame)
    if output:
        safefiles.replace(output, text.encode("utf-8"))
        print(f"wrote {len(frame)} audit entries to {output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
