"""The columns that can name a person, and what erasure does to each.

Every text column of every table and view store/migrations.py creates is listed here, either in
PERSON_COLUMNS with what erasure does to it, or in OTHER_TEXT (it never names a person).
Erasure and My data are built from PERSON_COLUMNS (store/people.py), and
tests/store/test_person_columns.py fails on any text column of the migrated database that is in
neither, so a migration step that adds a table or column must say here whether it can name a
person.
"""

from __future__ import annotations

# How erasure treats a column whose value is one of the person's ids (their id, e-mail, sub, in
# any case), and what My data selects by:
ROW = "row"  # the row is theirs: deleted (their roles, drafts, reflections, e-mail log)
PSEUDONYM = "pseudonym"  # their scores: the value becomes the erasure's random pseudonym
ERASED = "erased"  # a record of what they did (created, changed, imported): becomes 'erased'
# Columns that name or describe the person without being an id: they go with their row
# (deleted, or in a pseudonymised row emptied: a comment can identify its writer).
WITH_ROW = "with_row"
# Text that may hold an id among other things (an audit entry's target and details, an
# actions snapshot): a row whose text mentions them is deleted (MENTION_ROW), or keeps only
# what says nothing about who (MENTION_CLEAR: set to NULL, as in the audit log, whose entries
# by or about the person keep their time and action, with 'erased' as the actor).
MENTION_ROW = "mention_row"
MENTION_CLEAR = "mention_clear"
ID_KINDS = (ROW, PSEUDONYM, ERASED)
MENTION_KINDS = (MENTION_ROW, MENTION_CLEAR)

PERSON_COLUMNS: dict[str, dict[str, str]] = {
    "person": {"person_id": ROW, "email": ROW, "sub": ROW, "name": WITH_ROW},
    "role_assignment": {"person_id": ROW},
    "unit_member": {"person_id": ROW},  # a view of role_assignment: goes with it
    "person_language": {"person_id": ROW},
    "checkin": {"respondent": PSEUDONYM},
    "answer": {"respondent": PSEUDONYM, "comment": WITH_ROW},
    "role_pick": {"respondent": PSEUDONYM},
    "target": {"respondent": PSEUDONYM},
    "reflection": {"respondent": ROW, "answer": WITH_ROW},
    "checkin_draft": {"respondent": ROW, "content": WITH_ROW},
    "import_checkin_created": {"respondent": PSEUDONYM},
    "import_answer_change": {"respondent": ROW, "old_comment": WITH_ROW},
    "import_role_change": {"respondent": ROW},
    "import_reflection_change": {
        "respondent": ROW,
        "old_answer": WITH_ROW,
        "new_answer": WITH_ROW,
    },
    "import_action_change": {"before": MENTION_ROW, "after": MENTION_ROW},
    # A file name may name its writer ("kari.nordmann@etat.no.csv"): emptied with the rest.
    "import_log": {"actor": ERASED, "undone_by": ERASED, "file_name": MENTION_CLEAR},
    "header_mapping": {"saved_by": ERASED},
    "action": {"owner": ERASED, "created_by": ERASED, "updated_by": ERASED},
    "period_lock": {"locked_by": ERASED},
    "setting": {"updated_by": ERASED},
    "round": {"created_by": ERASED, "closed_by": ERASED},
    "mail_message": {"person_id": ROW, "email": ROW, "last_error": WITH_ROW},
    "audit_log": {"actor": ERASED, "target": MENTION_CLEAR, "details": MENTION_CLEAR},
    # A held check-in or imported row waits for a re-release: it goes with its respondent.
    "held_change": {"respondent": ROW, "actor": ERASED, "payload": WITH_ROW},
    "release_version": {"taken_by": ERASED},
    "meeting": {"opened_by": ERASED, "closed_by": ERASED},
    "meeting_note": {"written_by": ROW, "note": WITH_ROW},
}
# In a row a person's erasure pseudonymises, these other columns are emptied too (an answer's
# import mark would link it to the import log, whose file held the person's e-mail).
CLEARED_WITH_PSEUDONYM: dict[str, tuple[str, ...]] = {"answer": ("import_id",)}

OTHER_TEXT: dict[str, tuple[str, ...]] = {
    "schema_version": ("name",),
    "framework_version": ("version_key", "framework_id", "version", "sha256", "content"),
    "unit": ("unit_id", "name", "parent_id"),
    "checkin": ("unit_id", "period", "framework_version"),
    "answer": ("unit_id", "period", "item_id"),
    "role_pick": ("unit_id", "period", "kind", "role_id"),
    "reflection": ("unit_id", "period", "question_id"),
    "meta": ("key",),
    "import_log": ("sha256", "format", "dialect"),
    "import_answer_change": ("unit_id", "period", "item_id"),
    "import_checkin_created": ("unit_id", "period"),
    "import_role_change": ("unit_id", "period", "kind", "old_roles", "new_roles"),
    "import_reflection_change": ("unit_id", "period", "question_id"),
    "import_unit_change": ("unit_id", "old_name", "old_parent_id", "new_name", "new_parent_id"),
    "header_mapping": ("signature", "mapping"),
    "unit_member": ("unit_id",),
    "answer_rollup": ("unit_id", "period", "item_id"),
    "role_assignment": ("role", "unit_id"),
    "period_lock": ("period",),
    "setting": ("key", "value"),
    "audit_log": ("action",),
    "target": ("unit_id", "period", "item_id", "target_period"),
    "action": ("unit_id", "description", "due_period", "status", "closed_period",
               "created_period", "source_question"),
    "action_item": ("item_id",),
    "round": ("unit_id", "period", "state"),
    "mail_message": ("unit_id", "kind", "lang", "status"),
    "checkin_draft": ("unit_id", "period"),
    "person_language": ("language",),
    "held_change": ("unit_id", "period", "source"),
    "release_mark": ("unit_id", "period"),
    "release_version": ("period", "reason"),
    "release_count": ("period", "kind", "key", "unit_id"),
    "release_tree": ("period", "unit_id", "parent_id"),
    "release_change": ("period", "kind", "key", "unit_id"),
    "meeting": ("unit_id", "period", "summary"),
    "meeting_note": ("step",),
    "meeting_action": ("step",),
}  # fmt: skip
