"""Every page that hides a figure says why in words: too few answers, or hidden to protect a
smaller group."""

from __future__ import annotations

from apphelpers import each_tab, open_app, open_tables, texts
from orgbuilder import PERIOD, add_checkins, add_units

FEW = "for få svar til å vises"
PROTECT = "skjult for å verne en mindre gruppe mot å bli regnet ut"


def table_text(at) -> str:
    return " ".join(df.value.to_string() for df in at.dataframe)


def test_overview_and_unit_page_say_why_each_hidden_cell_is_hidden(db_path, ctx):
    # P has A (5 leaders), B (4) and C (2): C has too few, B is hidden to protect C.
    add_units(ctx, [("p", None), ("a", "p"), ("b", "p"), ("c", "p")])
    add_checkins(ctx, "a", 5, roles=(("most", "visionary"),))
    add_checkins(ctx, "b", 4, roles=(("most", "visionary"),), reflection="Vi deler data.")
    add_checkins(ctx, "c", 2, roles=(("most", "coach"),))
    at = open_app().switch_page("pages/overview.py").run()
    at.selectbox(key="ov_node").set_value("p").run()
    at.selectbox(key="ov_last").set_value(PERIOD).run()
    open_tables(at)
    assert not at.exception
    tables = table_text(at)
    assert FEW in tables and PROTECT in tables
    assert "celler er skjult for å verne en mindre gruppe" in texts(at)

    at.switch_page("pages/unit.py").run()
    at.selectbox(key="unit_id").set_value("b").run()
    page, tables = "", ""
    for section in each_tab(at):  # every section of the page, with its tables opened
        open_tables(section)
        assert not section.exception
        page += texts(section)
        tables += table_text(section)
    assert "skjult for å verne en mindre gruppe mot å bli regnet ut (personvern)" in page  # roles
    assert "4 svar – skjult for å verne en mindre gruppe" not in page  # 4 < 5: too few texts
    assert "4 svar – for få svar til å vises" in page
    assert PROTECT in tables  # the trend table
