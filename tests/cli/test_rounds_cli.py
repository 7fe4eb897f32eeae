"""`dtmaturity rounds open | list | remind | close` and `report` without --period, against a
real database file and a real SMTP server on loopback (the issue's "done when", minus the
running app: tests/e2e/test_browser_rounds.py holds the file with a real server)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pypdf import PdfReader

from dtmaturity.cli import main
from dtmaturity.domain import clock
from dtmaturity.domain.periods import Period
from dtmaturity.services import analytics
from dtmaturity.services.runtime import open_runtime
from dtmaturity.store import AuditEntry, queries
from dtmaturity.store import rounds as rounds_sql

CURRENT = str(Period.current())
PREVIOUS = str(Period.current().previous())
DEADLINE = str(clock.today() + timedelta(days=14))


def expected_and_done(db_path) -> tuple[set[str], set[str]]:
    store, _ = open_runtime(db_path)
    try:
        with store.reader() as cur:
            units = [row[0] for row in cur.execute("SELECT unit_id FROM unit").fetchall()]
            frame = rounds_sql.expected(cur, units, CURRENT)
    finally:
        store.close()
    return set(frame[~frame["checked_in"]]["email"]), set(frame[frame["checked_in"]]["email"])


def test_after_demo_opening_a_round_invites_each_expected_leader_once(demo_db, mail, capsys):
    # one leader has checked in already: no invitation for them
    store, framework = open_runtime(demo_db)
    with store.reader() as cur:
        unit, person = cur.execute("SELECT unit_id, person_id FROM unit_member LIMIT 1").fetchone()
    store.write(
        lambda cur: queries.save_checkin(
            cur,
            (unit, CURRENT, person),
            framework_version=framework.version_key,
            answers=[(i.id, 3, i.scale.max, None) for i in framework.items],
            roles=[],
            reflections=[],
        ),
        audit=rounds_sql_audit(),
    )
    store.close()
    waiting, done = expected_and_done(demo_db)
    assert done == {person}
    capsys.readouterr()
    assert main(["rounds", "open", "--period", CURRENT, "--deadline", DEADLINE]) == 0
    out = capsys.readouterr().out
    assert f"opened round 1: demo {CURRENT}, open" in out
    assert f"{len(waiting)} sent, 0 failed" in out
    received = mail.wait_for(len(waiting))
    assert sorted(m["To"] for m in received) == sorted(waiting)
    assert person not in {m["To"] for m in received}
    assert main(["rounds", "remind"]) == 0  # a second run at once: nothing new
    assert "0 sent, 0 failed" in capsys.readouterr().out
    assert len(mail.messages) == len(waiting)
    assert main(["rounds", "list"]) == 0
    listed = capsys.readouterr().out
    assert f"1\t{CURRENT}\tdemo\topen\topens {clock.today()}\tdeadline {DEADLINE}" in listed
    assert f"1 of {len(waiting) + 1} answered" in listed


def rounds_sql_audit() -> AuditEntry:
    return AuditEntry("test", "test.setup")


def test_remind_dry_run_prints_who_would_get_what(demo_db, mail, capsys):
    assert main(["rounds", "open", "--period", CURRENT, "--deadline", DEADLINE, "--unit",
                 "demo-bruker-01", "--opens", str(clock.today() + timedelta(days=1))]) == 0  # fmt: skip
    assert "planned" in capsys.readouterr().out
    assert main(["rounds", "remind", "--dry-run"]) == 0
    assert "dry run: 0 messages would be sent" in capsys.readouterr().out  # opens tomorrow
    assert main(["rounds", "close", "--period", CURRENT, "--yes"]) == 0
    assert main(["rounds", "reopen", "--period", CURRENT, "--yes"]) == 0
    capsys.readouterr()
    assert main(["rounds", "remind", "--dry-run"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1].startswith("dry run: ") and "none was" in lines[-1]
    assert all(" for demo-bruker-01 (" in line for line in lines[:-1]) and len(lines) > 1
    assert mail.messages == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["open", "--period", "2026Q4", "--deadline", DEADLINE], "is not a quarter like 2026-Q4"),
        (["open", "--period", CURRENT, "--deadline", "15.12.2026"], "--deadline: “15.12.2026”"),
        (["open", "--period", CURRENT, "--deadline", DEADLINE, "--unit", "x"], "Unknown unit"),
        (["close", "--period", CURRENT], f"No round for {CURRENT}"),
    ],
)
def test_rounds_mistakes_get_a_message_not_a_traceback(demo_db, capsys, args, message):
    capsys.readouterr()
    assert main(["rounds", *args]) == 1
    assert message in capsys.readouterr().err


def test_wrong_mail_settings_are_named(demo_db, monkeypatch, capsys):
    monkeypatch.setenv("DTMATURITY_SMTP_URL", "smtp://127.0.0.1:25")
    monkeypatch.delenv("DTMATURITY_MAIL_FROM", raising=False)
    capsys.readouterr()
    assert main(["rounds", "open", "--period", CURRENT, "--deadline", DEADLINE]) == 2
    assert "DTMATURITY_MAIL_FROM is not set" in capsys.readouterr().err
    assert main(["rounds", "list"]) == 0  # nothing was opened
    assert "no rounds" in capsys.readouterr().err


def pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_report_without_period_is_the_latest_finished_quarter(demo_db, tmp_path, capsys):
    # answers in the quarter in progress, enough to show if they were released
    store, framework = open_runtime(demo_db)

    def work(cur):
        for i in range(4):
            queries.save_checkin(
                cur,
                ("demo-bruker-01", CURRENT, f"ny{i}@fjordetaten.example"),
                framework_version=framework.version_key,
                answers=[(item.id, 5, item.scale.max, None) for item in framework.items],
                roles=[],
                reflections=[],
            )

    store.write(work, audit=rounds_sql_audit())
    store.close()
    output = tmp_path / "r.pdf"
    capsys.readouterr()
    assert main(["report", "--unit", "demo-bruker-01", "--output", str(output)]) == 0
    assert f"quarter: {PREVIOUS} (the latest finished)" in capsys.readouterr().err
    text = pdf_text(output)
    year, quarter = PREVIOUS.split("-Q")
    assert f"{quarter}. kvartal" in text[:300] and year in text[:300]  # "3. kvartal 2026"
    assert main(["report", "--unit", "demo-bruker-01", "--period", CURRENT, "-o", str(output)]) == 1
    assert "ikke publisert ennå" in capsys.readouterr().err  # the report speaks nb by default
    assert main(["rounds", "open", "--period", CURRENT, "--deadline", DEADLINE]) == 0
    assert main(["rounds", "close", "--period", CURRENT, "--yes"]) == 0
    capsys.readouterr()
    assert main(["report", "--unit", "demo-bruker-01", "--output", str(output)]) == 0
    assert f"quarter: {CURRENT} (the latest finished)" in capsys.readouterr().err
    store, _ = open_runtime(demo_db)
    try:
        from dtmaturity.services.context import Context, local_actor

        assert analytics.latest_finished(Context(local_actor(), store, framework)) == CURRENT
    finally:
        store.close()


def test_closing_without_yes_says_who_has_not_answered_and_the_days_left_and_changes_nothing(
    db_path, capsys, monkeypatch
):
    monkeypatch.delenv("DTMATURITY_SMTP_URL", raising=False)
    assert main(["demo"]) == 0
    assert main(["rounds", "open", "--period", CURRENT, "--deadline", DEADLINE]) in (0, 1)
    capsys.readouterr()
    assert main(["rounds", "close", "--period", CURRENT]) == 1
    said = capsys.readouterr()
    expected = len(expected_and_done(db_path)[0])
    assert f"{expected} of {expected} have not answered" in said.out
    assert "there are 14 days left to the deadline" in said.out
    assert "Run the command again with --yes" in said.err
    assert main(["rounds", "list"]) == 0
    assert "\topen\t" in capsys.readouterr().out  # nothing was closed
    assert main(["rounds", "close", "--period", CURRENT, "--yes"]) == 0
    assert f"({expected} of {expected} had not answered)" in capsys.readouterr().out
    assert main(["rounds", "reopen", "--period", CURRENT]) == 1
    assert "Open the round for" in capsys.readouterr().out
    assert main(["rounds", "reopen", "--period", CURRENT, "--yes"]) == 0
