"""Every text that puts a number before a word has plural forms («1 kvartal», «2 kvartaler»).

The catalogue's placeholders that hold a count are known by name; an entry that uses one is a
plural entry (looked up with `tn`, or `t` with the count), or its number stands where no noun
follows it in any language, which the list below says entry by entry.
"""

import re

import pytest

from dtmaturity.domain import i18n
from dtmaturity.domain.i18n import counted, t, tn

# Placeholder names that hold a count.
COUNT_NAMES = {
    "count", "n", "days", "periods", "rows", "units", "checkins", "answers", "actions", "new",
    "updated", "unchanged", "restored", "removed", "kept", "sent", "failed", "shown", "total",
    "problems", "pairs", "seconds", "minutes", "answered", "other_days", "pages", "rejected",
    "units_restored", "units_removed", "units_kept",
}  # fmt: skip

# Entries with a count that need no plural form, and why.
NOT_PLURAL = {
    "error_too_many_roles": "the count is always above the maximum of 3",
    "xlsx_too_many_parts": "the count is always above the maximum",
    "xlsx_too_slow": "a fixed limit of many seconds",
    "problems_heading": "the count stands alone in brackets",
    "rounds_schedule": "an ordinal («hvert 5. minutt»)",
    "rounds_live_caption": "an ordinal («hvert 10. sekund»)",
    "rounds_intro": "the configured reminder days, never 1 in practice; the sentence reads for both",
    "round_in_progress": "«{answered} av {expected} har svart» reads for every count",
    "round_in_progress_quarter": "«{answered} av {expected} har svart» reads for every count",
    "rounds_round_title": "«{answered} av {expected} har svart» reads for every count",
    "reflections_more": "«Viser {shown} av {total} svar»: svar is the same in both forms; "
    "shown < total",
    "admin_showing": "shown < total, so total is at least 2",
    "reflections_page_of": "page numbers and ranges, no noun after a count",
    "meeting_step_of": "«Steg 2 av 5»: no noun after the count",
    "checkin_step_heading": "«Steg 2 av 6: …»: no noun after the count",
    "summary_lens": "«Hjulet: 6 av 7 med nivå»: no noun after a count",
    "rounds_opened": "{failed} feilet: a participle, the same for every count",
    "rounds_sent_msg": "{failed} feilet: a participle, the same for every count",
    "round_close_days": "the singular is its own entry, round_close_day",
    "round_close_day": "the singular of round_close_days",
    "admin_locked": "a list of quarters, not a count",
    "own_pending_note": "a list of quarters, not a count",
    "round_ambiguous": "a list of units, not a count",
    "round_unit_needed": "a list of units, not a count",
    "import_date_order_spread": "a spread of dates, chosen only when it is many days",
    "undo_effect_values": "participles after a heading noun («Verdier: 1 slettet»), the same "
    "for every count",
    "cli_undone": "{removed} fjernet, {kept} endret siden og beholdt: participles, the same for "
    "every count",
    "undo_effect_units": "participles after a heading noun («Enheter: 1 slettet»), the same "
    "for every count",
}

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _count_bearing() -> dict[str, set[str]]:
    found = {}
    for message in i18n.read_catalogue(i18n.SOURCE_LANGUAGE):
        if not message.id or isinstance(message.id, tuple):
            continue
        names = set(_PLACEHOLDER.findall(message.string)) & COUNT_NAMES
        if names:
            found[message.id] = names
    return found


def test_every_text_with_a_count_is_a_plural_entry_or_says_why_not():
    unexplained = sorted(key for key in _count_bearing() if key not in NOT_PLURAL)
    assert unexplained == []


def test_the_list_of_exceptions_names_only_texts_that_have_a_count():
    assert sorted(set(NOT_PLURAL) - set(_count_bearing())) == []


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
def test_one_of_a_thing_is_singular(lang):
    many = {"nb": "kvartaler", "nn": "kvartal", "en": "quarters"}[lang]
    one = t(lang, "trend_summary", periods=1, first="a", last="a", best="x", best_mean="1",
            worst="y", worst_mean="1")  # fmt: skip
    assert not one.startswith(f"1 {many}") or lang == "nn"
    assert counted(lang, "n_roles", 1) != counted(lang, "n_roles", 2).replace("2", "1")
    assert tn(lang, "n_units", 1).startswith("1 ")
