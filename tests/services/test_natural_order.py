"""Units are sorted as people sort names: numbers by value, æ, ø and å after z."""

from orgbuilder import TEST_AUDIT, add_checkins

from dtmaturity.services import analytics, units
from dtmaturity.services.context import Context
from dtmaturity.store import queries

NAMES = ["Seksjon 10", "Åsen", "Seksjon 2", "Zeta", "Ørsta", "Ærø", "avdeling"]
EXPECTED = ["avdeling", "Seksjon 2", "Seksjon 10", "Zeta", "Ærø", "Ørsta", "Åsen"]


def _org(ctx: Context) -> None:
    rows = [("root", "Virksomheten", None, False)]
    rows += [(f"u{i}", name, "root", False) for i, name in enumerate(NAMES)]
    ctx.store.write(lambda cur: queries.upsert_units(cur, rows), audit=TEST_AUDIT)


def test_the_unit_tree_sorts_siblings_naturally(ctx):
    _org(ctx)
    assert [u.name for u in units.tree(ctx)] == ["Virksomheten", *EXPECTED]


def test_overview_rows_sort_units_naturally_with_the_node_first(ctx):
    _org(ctx)
    for i in range(len(NAMES)):
        add_checkins(ctx, f"u{i}", 3)
    cells = analytics.heatmap(ctx, "root", "2026-Q2", "theme")
    assert list(dict.fromkeys(cells["unit"]))[1:] == EXPECTED
    assert bool(cells["is_total"].iloc[0])
    participation = analytics.participation(ctx, "root", "2026-Q2", "2026-Q2")
    shown = [u for u in dict.fromkeys(participation["unit"]) if not u.startswith("Virksomheten")]
    assert shown == EXPECTED
