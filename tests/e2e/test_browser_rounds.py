"""Rounds with the app as a real server holding the database file and a real SMTP server on
loopback: a coordinator opens a round in the browser, a leader follows the link in the e-mail
and checks in, the participation shows it; `dtmaturity rounds …` from the command line hands
its jobs to the running server; a failed send is retried by the server's own schedule."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from appserver import STREAMLIT_RUN, app_env, free_port, running_app
from e2ehelpers import (
    fill_checkin_scores,
    screenshot,
    select_option,
    submit_checkin,
    wait_idle,
)
from mailserver import MailServer, text_of
from playwright.sync_api import Page, expect

from dtmaturity.domain import clock, formats, i18n
from dtmaturity.domain.framework import load
from dtmaturity.domain.periods import Period
from dtmaturity.services import roundprogress, units
from dtmaturity.services.context import Context, local_actor
from dtmaturity.services.runtime import open_runtime
from dtmaturity.store import rounds as rounds_sql

ROOT = Path(__file__).resolve().parents[2]
CURRENT = str(Period.current())
SHOWN = formats.quarter(CURRENT, "nb")  # a quarter as the pages name it
UNIT = "demo-bruker-01"
OTHER = "demo-teknologi"


def t(key: str, **params: object) -> str:
    """The text as the page shows it: a quarter in it named as people read it (ui.t)."""
    return i18n.t(
        "nb",
        key,
        **{k: formats.quarter(v, "nb") if isinstance(v, str) else v for k, v in params.items()},
    )


@dataclass
class RoundsApp:
    url: str
    db_path: Path
    mail: MailServer
    leader: str
    unit_label: str
    unit_leaders: list[str]
    other_leaders: list[str]
    env: dict[str, str]


def _people(db_path: Path) -> tuple[str, list[str], list[str]]:
    """The unit's label, its leaders and the other subtree's leaders, from the demo database."""
    store, framework = open_runtime(db_path)
    try:
        ctx = Context(actor=local_actor(), store=store, framework=framework, lang="nb")
        label = next(u.label for u in units.tree(ctx) if u.unit_id == UNIT)
        with store.reader() as cur:
            mine = rounds_sql.expected(cur, [UNIT], CURRENT)["email"].tolist()
            below = [u for u, p in units.by_id(ctx).items() if p.parent_id == OTHER] + [OTHER]
            others = rounds_sql.expected(cur, below, CURRENT)["email"].tolist()
    finally:
        store.close()
    return label, mine, others


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, demo_file: Path) -> Iterator[RoundsApp]:
    folder = tmp_path_factory.mktemp("rounds")
    db_path = folder / "dtmaturity.duckdb"
    shutil.copyfile(demo_file, db_path)
    label, mine, others = _people(db_path)
    mail = MailServer().start()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = app_env(
        db_path,
        DTMATURITY_LOCAL_USER=mine[0],  # local mode: this leader, holding every role
        DTMATURITY_SMTP_URL=mail.url,
        DTMATURITY_MAIL_FROM="dtmaturity@fjordetaten.example",
        DTMATURITY_BASE_URL=url,
        DTMATURITY_REMIND_EVERY="10",
        DTMATURITY_SMTP_PASSWORD=None,
    )
    try:
        with running_app(log=folder / "server.log", env=env, launcher=STREAMLIT_RUN, port=port):
            yield RoundsApp(url, db_path, mail, mine[0], label, mine, others, env)
    finally:
        mail.stop()


def cli(app: RoundsApp, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dtmaturity", "rounds", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=app.env,
        timeout=180,
    )


def visit(page: Page, url: str) -> None:
    page.goto(url)
    wait_idle(page)


def test_a_coordinator_opens_a_round_and_a_leader_checks_in_from_the_email(page, app):
    framework = load()
    visit(page, f"{app.url}/rounds?lang=nb")
    expect(page.get_by_role("heading", name=t("page_rounds"), exact=True)).to_be_visible()
    select_option(page, "round_unit", app.unit_label)
    page.get_by_role("button", name=t("rounds_open_button")).click()
    opened = t("rounds_opened", unit="Kundesenteret", period=SHOWN, sent_counted="§", failed="@")
    shape = re.escape(opened).replace("@", r"\d+").replace("§", r"\d+ invitasjon(er)? sendt")
    expect(page.get_by_text(re.compile(shape))).to_be_visible()
    expected = len(app.unit_leaders)
    expect(page.get_by_text(f"0 av {expected} har svart").first).to_be_visible()
    wait_idle(page)
    screenshot(page, "journey-round-opened")

    messages = app.mail.wait_for(expected)
    assert sorted(m["To"] for m in messages) == sorted(app.unit_leaders)  # once each
    mine = next(m for m in messages if m["To"] == app.leader)
    link = re.search(r"http://\S+/checkin\?\S+", text_of(mine)).group(0)
    assert f"unit={UNIT}" in link and f"period={CURRENT}" in link

    visit(page, f"{app.url}/?lang=nb")  # the start page says what is due, with a link
    due = f"Egenvurdering for Kundesenteret, {SHOWN}: frist "
    expect(page.get_by_role("link", name=re.compile(re.escape(due)))).to_be_visible()
    screenshot(page, "journey-round-due-on-start-page")

    visit(page, link)  # the leader follows the link in the e-mail
    expect(page.get_by_text(t("checkin_new", period=SHOWN))).to_be_visible()
    fill_checkin_scores(page, framework, 2)
    submit_checkin(page, t("submit"))
    expect(page.get_by_text(t("saved_new", period=SHOWN))).to_be_visible()

    visit(page, f"{app.url}/rounds?lang=nb")
    expect(page.get_by_text(f"1 av {expected} har svart").first).to_be_visible()
    wait_idle(page)
    screenshot(page, "journey-round-participation")
    visit(page, f"{app.url}/unit?lang=nb")
    expect(page.get_by_text(re.compile(f"{SHOWN} pågår: \\d+ av \\d+ har svart"))).to_be_visible()
    screenshot(page, "journey-round-unit-page-in-progress")
    assert len(app.mail.messages) == expected  # the server's own schedule sent nothing more


def test_the_command_line_hands_its_jobs_to_the_server_holding_the_file(page, app):
    visit(page, f"{app.url}/?lang=nb")  # the server has the database open from here on
    held = subprocess.run(  # `audit` opens the file itself (export reads the app's copy)
        [sys.executable, "-m", "dtmaturity", "audit"],
        capture_output=True, text=True, cwd=ROOT, env=app.env, timeout=60,
    )  # fmt: skip
    assert held.returncode == 2 and "Cannot open database" in held.stderr
    before = len(app.mail.messages)
    dry = cli(app, "remind", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "run by the dtmaturity server holding" in dry.stderr
    assert "dry run:" in dry.stdout
    deadline = str(clock.today() + timedelta(days=20))
    opened = cli(app, "open", "--period", CURRENT, "--deadline", deadline, "--unit", OTHER)
    assert opened.returncode == 0, opened.stderr
    assert f"{len(app.other_leaders)} sent, 0 failed" in opened.stdout
    arrived = app.mail.wait_for(before + len(app.other_leaders))[before:]
    assert sorted(m["To"] for m in arrived) == sorted(app.other_leaders)
    again = cli(app, "remind")
    assert again.returncode == 0 and "0 sent, 0 failed" in again.stdout
    listed = cli(app, "list").stdout
    assert f"\t{CURRENT}\t{OTHER}\topen\t" in listed  # (this test's own round: it may run alone)
    assert len(app.mail.messages) == before + len(app.other_leaders)


def test_a_failed_send_is_retried_by_the_servers_schedule(page, app):
    visit(page, f"{app.url}/?lang=nb")
    app.mail.stop()  # the mail server goes down
    before = len(app.mail.messages)
    store_units = "demo-forvaltning-01"
    opened = cli(app, "open", "--period", CURRENT, "--deadline", str(clock.today() + timedelta(9)),
                 "--unit", store_units)  # fmt: skip
    assert opened.returncode == 1 and "FAILED" in opened.stdout
    failed = opened.stdout.count("FAILED")
    visit(page, f"{app.url}/rounds?lang=nb")
    expect(page.get_by_text(t("rounds_failed_warning", count=failed))).to_be_visible()
    app.mail.start()  # up again: nobody does anything, the server's thread retries
    arrived = app.mail.wait_for(before + failed, timeout=60)[before:]
    assert len(arrived) == failed
    assert roundprogress.format_day("nb", clock.today() + timedelta(9)) in text_of(arrived[0])
