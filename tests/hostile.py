"""The hostile demo: the demo organisation with hostile text in every free-text field.

Each text holds markdown, HTML, a link, an external image, a spreadsheet formula, right-to-left
and zero-width characters, a 300-character word and (where the field may have one) a newline.
Every link and image points at MARKER's host, so a test finds what leaked by looking for it.

Built through the services where they take the field (units and people through imports and
grants, the round through the rounds service) and through the store for the free text of
answers, reflections and actions (there it is stored as older data may hold it). A field
whose way in refuses some of it (a newline in a name; the invisible formatting characters
that dtmaturity.domain.textrules refuses) gets the next of `variants`: the same text on one
line, then without the invisible characters, so every field is as hostile as it may be."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from dtmaturity.domain import clock
from dtmaturity.domain.access import ALL_GRANTS
from dtmaturity.services import demo, imports, people, rounds, units
from dtmaturity.services.context import Actor, Context
from dtmaturity.store import AuditEntry

MARKER = "evil.example"
FORMULA = "=cmd|' /C calc'!A0"
LONG_WORD = "W" * 300
# One line: every kind of hostile text at once.
LINE = (
    f"[Logg inn på nytt](http://{MARKER}/phish) <img src=x onerror=alert(1)> "
    f"![](http://{MARKER}/pixel.png) **fet** _kursiv_ :red[rød] $x^2$ "
    f"https://{MARKER}/bare www.{MARKER} post@{MARKER} "
    f"\u202eexe.txt\u202c null\u200bbredde {LONG_WORD}"
)
# Where a newline may be: the line, a newline, markdown that a newline would start.
TEXT = f"{FORMULA} {LINE}\n# Overskrift\n- punkt\n<script>alert(1)</script>"
# A file name: no slash, and short enough for a file system (255 bytes).
FILE_NAME = f"{FORMULA} [x](http://{MARKER}) <img src=x> \u202e\u200bvsc.csv"
# E-mail addresses whose local part is as hostile as an address may be.
EMAIL_LOCAL = "+cmd|'calc'!A0+{x}*_y_"  # a formula start; `=` is no address character
# Who the browser test signs in as: (role, person id, subject, unit id or '*').
ROLES = (
    ("admin", f"admin@{MARKER}", "hostile-admin", "*"),
    ("coordinator", f"{EMAIL_LOCAL}@{MARKER}", "hostile-coordinator", "demo-teknologi"),
    ("manager", f"sjef@{MARKER}", "hostile-manager", "demo-bruker"),
    ("leader", f"leder@{MARKER}", "hostile-leader", "demo-bruker-01"),
)


@dataclass(frozen=True)
class Hostile:
    units: int
    import_written: bool
    names_multiline: bool  # the services took a newline in a unit name


def admin_context(ctx: Context) -> Context:
    return Context(Actor("hostile-setup", "hostile-setup", ALL_GRANTS), ctx.store, ctx.framework)


def visible(text: str) -> str:
    """`text` without invisible formatting characters (bidi overrides, zero-width spaces)."""
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def variants(text: str) -> Iterator[tuple[str, bool]]:
    """(text, with a newline) from the most hostile to what a one-line field takes."""
    one_line = " ".join(text.splitlines())
    yield text, "\n" in text
    yield one_line, False
    yield visible(one_line), False


def _units_csv(tree: list, text: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["unit_id", "name", "parent_id"])
    for number, unit in enumerate(tree):
        writer.writerow([unit.unit_id, f"{number} {text}", unit.parent_id or ""])
    return out.getvalue().encode("utf-8")


def _rename_units(ctx: Context) -> tuple[bool, bool]:
    """Every unit renamed by a units file (a file with a hostile name): with a newline if the
    import takes one, else on one line. Returns (written, with a newline)."""
    tree = units.tree(ctx)
    for text, multiline in variants(TEXT):
        for file_name in (FILE_NAME, visible(FILE_NAME), "units.csv"):
            try:
                result = imports.run_upload(ctx, _units_csv(tree, text), file_name)
            except Exception:  # a file name the system refuses: the next one
                continue
            if result.written:
                return True, multiline
    return False, False


def _free_text(ctx: Context) -> None:
    """Comments, reflections, action descriptions, mail errors, import file names and the
    names of the demo's people: hostile text through the store, whatever the services would
    take today."""

    def work(cur) -> None:  # type: ignore[no-untyped-def]
        cur.execute("UPDATE answer SET comment = ?", [TEXT])
        cur.execute("UPDATE reflection SET answer = ?", [TEXT])
        cur.execute("UPDATE action SET description = ?", [TEXT])
        cur.execute("UPDATE mail_message SET last_error = ?", [TEXT])
        cur.execute("UPDATE import_log SET file_name = ?", [FILE_NAME])
        cur.execute("UPDATE person SET name = ? WHERE name IS NULL", [LINE])  # one line: a name

    ctx.store.write(work, audit=AuditEntry("hostile-setup", "test.hostile"))


def _people(ctx: Context) -> None:
    for role, person, sub, unit in ROLES:
        for name, _ in variants(TEXT):
            try:
                people.assign(ctx, person, role, unit, name=name, email=person, sub=sub)
                break
            except Exception:  # a name the services refuse: the next variant
                continue
        else:
            raise AssertionError(f"no variant of the hostile name was taken for {person}")


def _round(ctx: Context) -> None:
    period = rounds.period_choices()[0]
    today = clock.today()
    rounds.open_round(ctx, "demo-bruker", period, today + timedelta(days=14), opens_on=today)


def build(ctx: Context) -> Hostile:
    """The demo organisation in `ctx.store`, then hostile text in every free-text field."""
    admin = admin_context(ctx)
    demo.create(admin)
    _people(admin)
    _round(admin)
    written, multiline = _rename_units(admin)
    assert written, "every variant of the hostile units file was refused"
    _free_text(admin)
    return Hostile(units=len(units.tree(admin)), import_written=written, names_multiline=multiline)
