"""Imported text is shown as text: a unit name or an action description holding markdown,
an image or a link renders as the characters typed (no external image is loaded, no link is
made), and a unit name far longer than usual does not break the unit page."""

from __future__ import annotations

import pytest
from apphelpers import each_tab, open_app

from dtmaturity.domain.access import EVERY_UNIT, Grant
from dtmaturity.services.context import Actor, Context
from dtmaturity.store import AuditEntry

HOSTILE = "Kontor ![sporing](http://evil.example/pixel.png) [klikk](http://evil.example) **fet**"
URL_ACTION = "Les mer på https://evil.example/tiltak og <b>fet</b>"


def rename(ctx: Context, unit_id: str, name: str) -> None:
    ctx.store.write(
        lambda cur: cur.execute("UPDATE unit SET name = ? WHERE unit_id = ?", [name, unit_id]),
        audit=AuditEntry("test", "test.rename"),
    )


def rendered_markdown(at) -> list[str]:
    """The markdown source of every element Streamlit renders as markdown on the page."""
    out = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "info", "success"):
        out += [str(el.value) for el in at.get(kind)]
    out += [str(el.value) for el in at.error] + [str(el.value) for el in at.warning]
    out += [str(w.label) for w in at.get("selectbox")] + [str(w.label) for w in at.get("radio")]
    return out


def unsafe(text: str) -> bool:
    """Markdown that would load an image or make a link (unescaped `](` or a bare URL)."""
    import re

    return bool(re.search(r"(?<!\\)\]\((?!#)", text)) or bool(
        re.search(r"(?<![\\`])https?://", text.replace("\\:", ""))
    )


@pytest.fixture
def hostile_app(demo_ctx):
    rename(demo_ctx, "demo-bruker-01", HOSTILE)
    admin = Context(
        Actor("admin", "admin", (Grant("admin", EVERY_UNIT),), local_mode=False),
        demo_ctx.store,
        demo_ctx.framework,
    )
    demo_ctx.store.write(
        lambda cur: cur.execute(
            "UPDATE action SET description = ? WHERE unit_id = 'demo-bruker-01'", [URL_ACTION]
        ),
        audit=AuditEntry("test", "test.action"),
    )
    del admin
    return demo_ctx


@pytest.mark.parametrize(
    "page",
    ["pages/unit.py", "pages/overview.py", "pages/checkin.py", "pages/home.py", "pages/admin.py"],
)
def test_markdown_in_a_unit_name_is_shown_as_text(hostile_app, page):
    at = open_app()
    at.query_params["unit"] = "demo-bruker-01"
    at.switch_page(page).run()
    assert not at.exception
    bad = [
        text
        for section in each_tab(at)  # every tab of the page
        for text in rendered_markdown(section)
        if "evil.example" in text and unsafe(text)
    ]
    assert bad == []


def test_a_unit_name_of_200_characters_does_not_break_the_unit_page(demo_ctx):
    rename(demo_ctx, "demo-bruker-01", "Seksjon for " + "svært lange navn " * 12)
    rename(demo_ctx, "demo-bruker", "Seksjon for " + "svært lange navn " * 12 + "(divisjon)")
    at = open_app()
    at.query_params["unit"] = "demo-bruker-01"
    at.switch_page("pages/unit.py").run()
    for section in each_tab(at):  # every tab draws the long names
        assert not section.exception
