"""A coordinator's CSV upload in a real browser: a file with errors shows every problem and
cannot be imported; the corrected file is imported, and the import can be undone."""

from __future__ import annotations

import re

from e2ehelpers import open_page, screenshot, wait_idle
from playwright.sync_api import Page, expect

from dtmaturity.domain import formats, i18n
from dtmaturity.domain.periods import Period

HEADER = "enhet;periode;respondent;element;verdi;kommentar\r\n"
NOW = str(Period.current()).replace("-", " ")  # written as "2026 Q4", as people type it


def t(key: str, **params: object) -> str:
    """The text as the page shows it: a quarter in it named as people read it (ui.t)."""
    return i18n.t(
        "nb",
        key,
        **{k: formats.quarter(v, "nb") if isinstance(v, str) else v for k, v in params.items()},
    )


def upload(page: Page, name: str, content: bytes) -> None:
    page.locator("input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content}]
    )
    expect(page.get_by_text(f"«{name}»", exact=False).first).to_be_visible(timeout=20_000)
    wait_idle(page)


def test_coordinator_uploads_a_file_with_errors_then_the_corrected_one(page: Page, server):
    open_page(page, server.url, "import")
    bad = (
        HEADER
        + "demo-bruker-02;2026 Q1;ola.e2e@etat.example;Brukerorientering;9;\r\n"
        + "ingen-slik-enhet;2026-Q1;ola.e2e@etat.example;data;3;Før – “etter”\r\n"
    ).encode("cp1252")
    upload(page, "svar.csv", bad)
    expect(page.get_by_text(t("problems_heading", count=2))).to_be_visible()
    table = page.locator('[data-testid="stDataFrame"]').filter(has_text="Rad").first
    expect(table).to_be_visible()
    expect(page.get_by_role("button", name=t("import_button"))).to_be_disabled()
    screenshot(page, "import-with-errors")

    good = (
        HEADER
        # The quarter in progress: one already released would hold the row (issue 22).
        + f"demo-bruker-02;{NOW};ola.e2e@etat.example;Brukerorientering;4;Før – “etter”\r\n"
    ).encode("cp1252")
    upload(page, "svar-rettet.csv", good)
    expect(page.get_by_text(t("no_problems"))).to_be_visible()
    page.get_by_role("button", name=t("import_button")).click()
    wait_idle(page)
    expect(page.get_by_text("Svar: 1 ny, 0 oppdaterte, 0 uendrede.").first).to_be_visible()
    expect(page.get_by_text("svar-rettet.csv").first).to_be_visible()  # in the import log

    page.get_by_role("button", name=t("undo_button")).click()
    wait_idle(page)
    # The undo asks first, naming the file and what will be deleted.
    expect(page.get_by_text("«svar-rettet.csv»)? Dette skjer:", exact=False)).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^Ja, angre import #\d+$")).click()
    wait_idle(page)
    expect(
        page.get_by_text("er angret. Verdier: 0 tilbakestilt", exact=False).first
    ).to_be_visible()
    assert not page.locator('[data-testid="stException"]').count()


def test_a_microsoft_forms_workbook_in_the_browser(page: Page, server, tmp_path):
    """The recognised tool, the quarter's column and the mapping a coordinator gives once."""
    from dataclasses import replace

    import surveyexports as tools

    responses = tuple(
        replace(r, unit_name=unit)
        for r, unit in zip(tools.RESPONSES, ("demo-bruker-01", "demo-teknologi-01"), strict=True)
    )
    workbook = tools.msforms_xlsx(tmp_path / "Svar.xlsx", responses=responses).read_bytes()
    open_page(page, server.url, "import")
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "Svar.xlsx", "mimeType": "application/octet-stream", "buffer": workbook}]
    )
    expect(page.get_by_text(t("tool_msforms"), exact=False).first).to_be_visible(timeout=20_000)
    wait_idle(page)
    column = t("import_period_from", column="Fullføringstidspunkt")
    expect(page.get_by_text(column)).to_be_visible()
    label = t("mapping_column", header=tools.UNIT_QUESTION)
    expect(page.get_by_label(label)).to_be_visible()  # every input is labelled
    screenshot(page, "import-msforms")
    assert not page.locator('[data-testid="stException"]').count()
