"""What a page imports: `page()`, the start of every page, and the web glue's helpers under one
name (`ui.t`, `ui.as_text`, `ui.chart_with_table`, …). Each helper lives in the module of its
concept; this module only gathers them:

- language.py: the UI language, catalogue texts, numbers and dates in it;
- text.py: text from data on the page (`as_text`, the one way data reaches markdown);
- signin.py: who is acting (the acting context, sign-in, local mode);
- navigation.py: app.py's navigation, the stopped page, the legacy page mode workaround;
- resources.py: the cached runtime and the warm-up;
- tables.py: charts with their tables, tables as people read them, downloads;
- focus.py: outcome messages in view, focus moves, the error summary;
- confirm.py: the two-step confirmation of destructive actions;
- widgets.py: the unit and quarter pickers and lazily drawn tabs;
- assets.py: the files in static/ (icon, JavaScript, CSS).
"""

from __future__ import annotations

from dtmaturity.services.context import Context
from dtmaturity.web import navigation
from dtmaturity.web.assets import ICON
from dtmaturity.web.confirm import ask_first, confirmation, confirmed_button
from dtmaturity.web.focus import error_summary, flash, focus_on, key_class, show_flash
from dtmaturity.web.language import (
    DATE_INPUT,
    change,
    count,
    counted,
    date_time,
    lang,
    language_choice,
    language_picker,
    mark_document_language,
    mean,
    remembered_language,
    t,
    tn,
)
from dtmaturity.web.signin import context, is_admin, local_mode_banner, shows_page
from dtmaturity.web.tables import (
    chart_with_table,
    dataframe,
    downloads,
    headings,
    privacy_and_rollup_note,
    questions_beside,
    readable_table,
    table_behind_expander,
    table_for_people,
    too_few,
)
from dtmaturity.web.text import as_text, bullet_list, label_literal, link, plain_text, t_as_text
from dtmaturity.web.widgets import lazy_tabs, quarter_picker, unit_picker

__all__ = [
    "DATE_INPUT",
    "ICON",
    "as_text",
    "ask_first",
    "bullet_list",
    "change",
    "chart_with_table",
    "confirmation",
    "confirmed_button",
    "context",
    "count",
    "counted",
    "dataframe",
    "date_time",
    "downloads",
    "error_summary",
    "flash",
    "headings",
    "focus_on",
    "is_admin",
    "key_class",
    "label_literal",
    "lang",
    "language_choice",
    "lazy_tabs",
    "link",
    "mean",
    "page",
    "plain_text",
    "privacy_and_rollup_note",
    "quarter_picker",
    "questions_beside",
    "readable_table",
    "show_flash",
    "shows_page",
    "t",
    "t_as_text",
    "table_behind_expander",
    "table_for_people",
    "tn",
    "too_few",
    "unit_picker",
]


def page() -> Context:
    """Start of every page: sidebar language switch and local-mode label, then the context.

    Each page renders these itself (rather than app.py) so a page behaves the same however
    Streamlit enters it, including AppTest's direct page runs.
    """
    navigation.leave_legacy_page_mode()
    language_picker()
    mark_document_language()
    ctx = context()
    ctx = remembered_language(ctx)
    local_mode_banner(ctx)
    return ctx
