"""Two app processes on one PostgreSQL database, a browser on each (as sticky sessions behind a
load balancer would send people): a leader checks in on one, another leader on the other, each
process's rounds page follows both, and once the round is closed (by the command line, beside
the running apps) the manager on the second process sees it closed with both answers; each
check-in is stored once."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from appserver import STREAMLIT_RUN, app_env, start_app
from e2ehelpers import fill_checkin_scores, screenshot, submit_checkin, wait_idle
from playwright.sync_api import Page, expect

from dtmaturity.domain import clock, formats, i18n
from dtmaturity.domain.framework import load
from dtmaturity.domain.periods import Period
from dtmaturity.services import rounds
from dtmaturity.services.context import Context, local_actor
from dtmaturity.services.runtime import open_runtime
from dtmaturity.store import rounds as rounds_sql

ROOT = Path(__file__).resolve().parents[2]
CURRENT = str(Period.current())
SHOWN = formats.quarter(CURRENT, "nb")
UNIT = "demo-bruker-01"
PAGE_TIMEOUT_MS = 30_000  # as tests/e2e/conftest.py's pages: one step on a busy machine


@dataclass
class TwoApps:
    urls: list[str]  # the first process's, the second's
    db: str
    leaders: list[str]  # the local user of each process: two leaders of UNIT
    expected: int
    env: dict[str, str]


def _open_round(url: str) -> tuple[list[str], int]:
    """The round for UNIT opened (before the apps start); its leaders and how many."""
    store, framework = open_runtime(url)
    try:
        ctx = Context(actor=local_actor(), store=store, framework=framework, lang="nb")
        rounds.open_round(ctx, UNIT, CURRENT, clock.today() + timedelta(days=14))
        with store.reader() as cur:
            leaders = rounds_sql.expected(cur, [UNIT], CURRENT)["email"].tolist()
    finally:
        store.close()
    return leaders, len(leaders)


@pytest.fixture(scope="module")
def apps(tmp_path_factory: pytest.TempPathFactory, pg_server, pg_demo) -> Iterator[TwoApps]:
    folder = tmp_path_factory.mktemp("two-processes")
    name = pg_server.create(pg_demo)
    url = pg_server.url_for(name)
    leaders, expected = _open_round(url)
    assert expected >= 2
    started = []
    try:
        for n, leader in enumerate(leaders[:2]):
            env = app_env(None, DTMATURITY_DB=url, DTMATURITY_LOCAL_USER=leader,
                          DTMATURITY_SMTP_URL=None)  # fmt: skip
            log = folder / f"server{n}.log"
            started.append(start_app(log=log, env=env, launcher=STREAMLIT_RUN))
        cli_env = app_env(None, DTMATURITY_DB=url, DTMATURITY_SMTP_URL=None)
        yield TwoApps([a.url for a in started], url, leaders[:2], expected, cli_env)
    finally:
        for app in started:
            app.stop()
        pg_server.drop(name)


def t(key: str, **params: object) -> str:
    return i18n.t("nb", key, **params)


def check_in(page: Page, base: str) -> None:
    page.goto(f"{base}/checkin?unit={UNIT}&period={CURRENT}&lang=nb")
    wait_idle(page)
    expect(page.get_by_text(t("checkin_new", period=SHOWN))).to_be_visible()
    fill_checkin_scores(page, load(), 3)
    submit_checkin(page, t("submit"))
    expect(page.get_by_text(t("saved_new", period=SHOWN))).to_be_visible()


def round_title(state: str, answered: int, expected: int) -> re.Pattern:
    """The rounds page's title of the round, whatever the unit's name and the deadline."""
    return re.compile(
        re.escape(f"{SHOWN} ({t(f'round_state_{state}')}): ")
        + r".*"
        + re.escape(f", {answered} av {expected} har svart")
    )


def test_check_ins_on_two_processes_land_once_and_the_other_sees_the_closed_round(
    page, browser, apps: TwoApps
):
    first, second = apps.urls
    check_in(page, first)  # the first leader, on the first process

    other = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
    other.set_default_timeout(PAGE_TIMEOUT_MS)
    manager = other.new_page()
    try:
        # The second process's rounds page follows the round by itself (a live fragment): the
        # check-in saved through the first process shows there.
        manager.goto(f"{second}/rounds?lang=nb")
        expect(manager.get_by_text(round_title("open", 1, apps.expected))).to_be_visible()

        check_in(page, second)  # the second leader, on the second process
        expect(manager.get_by_text(round_title("open", 2, apps.expected))).to_be_visible()

        closed = subprocess.run(  # the command line beside both running apps
            [sys.executable, "-m", "dtmaturity", "rounds", "close", "--period", CURRENT,
             "--unit", UNIT, "--yes"],
            capture_output=True, text=True, cwd=ROOT, env=apps.env, timeout=180,
        )  # fmt: skip
        assert closed.returncode == 0, closed.stderr
        expect(manager.get_by_text(round_title("closed", 2, apps.expected))).to_be_visible()
        wait_idle(manager)
        screenshot(manager, "two-processes-round-closed")
    finally:
        other.close()

    store, _ = open_runtime(apps.db)
    try:
        with store.reader() as cur:
            rows = cur.execute(
                """SELECT c.respondent, count(*),
                          (SELECT count(*) FROM answer a WHERE a.unit_id = c.unit_id
                             AND a.period = c.period AND a.respondent = c.respondent)
                   FROM checkin c WHERE c.unit_id = ? AND c.period = ?
                   GROUP BY c.unit_id, c.period, c.respondent ORDER BY c.respondent""",
                [UNIT, CURRENT],
            ).fetchall()
    finally:
        store.close()
    items = len(load().items)
    assert rows == [(leader, 1, items) for leader in sorted(apps.leaders)]
