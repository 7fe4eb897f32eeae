"""What the README promises about downloads holds on every page (README: "Every table and
chart can be downloaded"; templates "also downloadable from the Import page")."""

from __future__ import annotations

import pytest
from apphelpers import each_tab, open_app, open_tables

from dtmaturity.services import imports

PAGES = ["pages/unit.py", "pages/overview.py", "pages/import.py", "pages/admin.py"]


@pytest.fixture
def demo_app(demo_db):
    at = open_app()
    return at


def _csv_downloads(at) -> int:
    return sum(1 for b in at.get("download_button") if b.proto.label == "Last ned CSV")


@pytest.mark.parametrize("page", PAGES)
def test_every_table_on_a_page_has_a_csv_download(demo_app, page):
    at = demo_app.switch_page(page).run()
    if page == "pages/import.py":  # a log entry, so the import log table is there
        good = b"unit_id;period;respondent;item_id;score\r\ndemo-bruker-01;2026-Q3;kari;user;4\r\n"
        at.file_uploader(key="import_file").upload("svar.csv", good, "text/csv").run()
        at.button(key="import_run").click().run()
    tables = 0
    for section in each_tab(at):  # every tab of the page
        open_tables(section)  # the tables behind the charts are drawn once opened
        assert not section.exception
        tables += len(section.dataframe)
        assert _csv_downloads(section) >= len(section.dataframe), page
    assert tables > 0


def test_the_import_page_offers_a_template_for_every_format_the_readme_links(demo_app):
    at = demo_app.switch_page("pages/import.py").run()
    offered = {b.proto.label for b in at.get("download_button")}
    assert {"Mal: enheter", "Mal: tiltak"} <= offered
    assert imports.template("actions").startswith(b"action_id,unit_id,items")
