"""One clock: every date the app counts from is `clock.today()`, the date in Oslo. Any other
way to the clock in the app's code (`date.today()`, `datetime.now()`, the server's own zone)
fails here, so a new deadline, reminder or quarter counts from the same day as the rest."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime
from pathlib import Path

from dtmaturity.domain import clock

ROOT = Path(__file__).resolve().parents[2]
CLOCK = Path("dtmaturity/domain/clock.py")
# Class methods that read the machine's clock or zone.
READS_THE_CLOCK = {("date", "today"), ("datetime", "today"), ("datetime", "now"),
                   ("datetime", "utcnow"), ("time", "localtime")}  # fmt: skip


def _sources() -> list[Path]:
    files = sorted((ROOT / "dtmaturity").rglob("*.py")) + [ROOT / "app.py"]
    files += sorted((ROOT / "pages").glob("*.py"))
    return [f for f in files if f.relative_to(ROOT) != CLOCK]


def _other_clocks(path: Path, root: Path = ROOT) -> list[str]:
    where = path.relative_to(root)
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        named = isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
        if named and (node.value.id, node.attr) in READS_THE_CLOCK:
            found.append(f"{where}:{node.lineno} {node.value.id}.{node.attr}")
        imported = isinstance(node, ast.ImportFrom) and node.module == "dtmaturity.domain.clock"
        if imported and any(alias.name == "today" for alias in node.names):
            found.append(f"{where}:{node.lineno} from clock import today (use clock.today())")
    return found


def test_every_date_the_app_counts_from_is_the_clocks():
    found = [line for path in _sources() for line in _other_clocks(path)]
    assert found == [], "read the date through dtmaturity.domain.clock.today():\n" + "\n".join(
        found
    )


def test_the_check_finds_each_other_way_to_the_clock(tmp_path):
    """The check itself fails on what it is meant to find."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from datetime import date, datetime\nfrom dtmaturity.domain.clock import today\n"
        "a = date.today()\nb = datetime.now()\n",
        encoding="utf-8",
    )
    assert len(_other_clocks(sample, tmp_path)) == 3


def test_the_day_is_the_day_in_oslo_whatever_the_servers_zone():
    # 23:30 UTC on 31 December is already the new year (and quarter) in Oslo, winter time.
    assert clock.day_of(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == date(2027, 1, 1)
    # 22:30 UTC on 30 June is 1 July in Oslo, summer time (UTC+2).
    assert clock.day_of(datetime(2026, 6, 30, 22, 30, tzinfo=UTC)) == date(2026, 7, 1)
    assert clock.day_of(datetime(2026, 6, 30, 21, 30, tzinfo=UTC)) == date(2026, 6, 30)
