"""Schema migrations: small named steps recorded in the schema_version table.

Never edit a step that has shipped; add a new one. An older database file is brought up to
date step by step and keeps its data. A step that adds a table or a text column says in
store/person_columns.py whether that column can name a person (a test fails until it does).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PostgresOnly:
    """A step's statement that only PostgreSQL runs: an index its planner needs, where
    DuckDB's parallel column scans do as well without one (and an index would cost DuckDB
    memory on every bulk write)."""

    sql: str


def _casefold_emails() -> list[str]:
    """Migration 9: e-mail addresses in lower case wherever they name a person, so that
    `Kari@Etat.Example` and `kari@etat.example` are one respondent. Subjects (no '@') keep
    their case. Two check-ins that become one (same unit and quarter) keep the one saved last,
    as a resubmission would; the other's answers, role picks, reflections and targets go, and
    the answer rollup is rebuilt from the answers that remain."""
    # Written in SQL that DuckDB and PostgreSQL both accept (strpos, not contains; rows named
    # by their primary key, not rowid), so a PostgreSQL database migrates through the same step.
    email = "strpos({c}, '@') > 0 AND {c} <> lower({c})"
    keyed = {  # table: its key columns besides unit_id, period, respondent
        "answer": ["item_id"],
        "role_pick": ["kind", "role_id"],
        "reflection": ["question_id"],
        "target": ["item_id"],
    }
    statements = [
        # The check-in that stays for each (unit, quarter, e-mail in lower case).
        """CREATE TABLE casefold_winner AS
           SELECT unit_id, period, respondent FROM (
               SELECT unit_id, period, respondent, row_number() OVER (
                   PARTITION BY unit_id, period, lower(respondent)
                   ORDER BY updated_at DESC, (respondent = lower(respondent)) DESC, respondent
               ) AS rank
               FROM checkin WHERE strpos(respondent, '@') > 0) AS ranked
           WHERE rank = 1""",
        """DELETE FROM checkin WHERE strpos(respondent, '@') > 0 AND NOT EXISTS (
               SELECT 1 FROM casefold_winner w WHERE w.unit_id = checkin.unit_id
                 AND w.period = checkin.period AND w.respondent = checkin.respondent)""",
    ]
    for table, extra in keyed.items():
        columns = ["unit_id", "period", "respondent", *extra]  # the table's primary key
        key = ", ".join(
            ["t.unit_id", "t.period", "lower(t.respondent)", *(f"t.{k}" for k in extra)]
        )
        same_row = " AND ".join(f"r.{c} = {table}.{c}" for c in columns)
        statements.append(
            f"""DELETE FROM {table} WHERE EXISTS (
                   SELECT 1 FROM (
                       SELECT {", ".join(f"t.{c}" for c in columns)}, row_number() OVER (
                           PARTITION BY {key}
                           ORDER BY (w.respondent IS NOT NULL) DESC,
                                    (t.respondent = lower(t.respondent)) DESC, t.respondent
                       ) AS rank
                       FROM {table} t LEFT JOIN casefold_winner w
                         ON w.unit_id = t.unit_id AND w.period = t.period
                        AND w.respondent = t.respondent
                       WHERE strpos(t.respondent, '@') > 0) AS r
                   WHERE r.rank > 1 AND {same_row})"""  # noqa: S608
        )
    for table in (
        "checkin", *keyed, "import_answer_change", "import_checkin_created",
        "import_role_change", "import_reflection_change",
    ):  # fmt: skip
        condition = email.format(c="respondent")
        statements.append(f"UPDATE {table} SET respondent = lower(respondent) WHERE {condition}")  # noqa: S608
    statements += [
        "DROP TABLE casefold_winner",
        "DELETE FROM answer_rollup",
        """INSERT INTO answer_rollup
           SELECT unit_id, period, item_id, count(score), sum(score)
           FROM answer WHERE score IS NOT NULL
           GROUP BY unit_id, period, item_id ORDER BY period, unit_id, item_id""",
        # People: a record whose id is an e-mail in another case joins the lower-case one.
        """INSERT INTO person (person_id, name, email, sub, is_demo, created_at)
           SELECT lower(person_id), min(name), lower(min(email)), min(sub),
                  bool_or(is_demo), min(created_at)
           FROM person WHERE """  # noqa: S608
        + email.format(c="person_id")
        + """
             AND lower(person_id) NOT IN (SELECT person_id FROM person)
           GROUP BY lower(person_id)""",
        """INSERT INTO role_assignment
           SELECT DISTINCT lower(person_id), role, unit_id FROM role_assignment
           WHERE """  # noqa: S608
        + email.format(c="person_id")
        + """
           ON CONFLICT DO NOTHING""",
        "DELETE FROM role_assignment WHERE " + email.format(c="person_id"),  # noqa: S608
        "DELETE FROM person WHERE " + email.format(c="person_id"),  # noqa: S608
        "UPDATE person SET email = lower(email) WHERE " + email.format(c="email"),  # noqa: S608
        "UPDATE action SET owner = lower(owner) WHERE " + email.format(c="owner"),  # noqa: S608
    ]
    return statements


MIGRATIONS: list[tuple[int, str, list[str | PostgresOnly]]] = [
    (
        1,
        "core tables: framework versions, units, check-ins, answers",
        [
            """CREATE TABLE framework_version (
                version_key VARCHAR PRIMARY KEY,
                framework_id VARCHAR NOT NULL,
                version VARCHAR NOT NULL,
                sha256 VARCHAR NOT NULL,
                content VARCHAR NOT NULL,
                registered_at TIMESTAMP NOT NULL DEFAULT current_timestamp
            )""",
            """CREATE TABLE unit (
                unit_id VARCHAR PRIMARY KEY,
                name VARCHAR NOT NULL,
                parent_id VARCHAR,
                is_demo BOOLEAN NOT NULL DEFAULT false,
                created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
            )""",
            """CREATE TABLE checkin (
                unit_id VARCHAR NOT NULL,
                period VARCHAR NOT NULL,
                respondent VARCHAR NOT NULL,
                framework_version VARCHAR NOT NULL,
                is_demo BOOLEAN NOT NULL DEFAULT false,
                created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
                updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
                PRIMARY KEY (unit_id, period, respondent)
            )""",
            """CREATE TABLE answer (
                unit_id VARCHAR NOT NULL,
                period VARCHAR NOT NULL,
                respondent VARCHAR NOT NULL,
                item_id VARCHAR NOT NULL,
                score SMALLINT,
                scale_max SMALLINT NOT NULL,
                comment VARCHAR,
                PRIMARY KEY (unit_id, period, respondent, item_id)
            )""",
        ],
    ),
    (
        2,
        "role picks, reflection answers and the data version",
        [
            """CREATE TABLE role_pick (
                unit_id VARCHAR NOT NULL,
                period VARCHAR NOT NULL,
                respondent VARCHAR NOT NULL,
                kind VARCHAR NOT NULL CHECK (kind IN ('most', 'want', 'more')),
                role_id VARCHAR NOT NULL,
                PRIMARY KEY (unit_id, period, respondent, kind, role_id)
            )""",
            """CREATE TABLE reflection (
                unit_id VARCHAR NOT NULL,
                period VARCHAR NOT NULL,
                respondent VARCHAR NOT NULL,
                question_id VARCHAR NOT NULL,
                answer VARCHAR NOT NULL,
                PRIMARY KEY (unit_id, period, respondent, question_id)
            )""",
            "CREATE TABLE meta (key VARCHAR PRIMARY KEY, value BIGINT NOT NULL)",
            "INSERT INTO meta VALUES ('data_version', 0)",
        ],
    ),
    (
        3,
        "CSV imports: log, the values each import replaced (for undo), saved header mappings",
        [
            "CREATE SEQUENCE import_id_seq START 1",
            """CREATE TABLE import_log (
                import_id INTEGER PRIMARY KEY DEFAULT nextval('import_id_seq'),
                file_name VARCHAR NOT NULL,
                sha256 VARCHAR NOT NULL,
                format VARCHAR NOT NULL,
                dialect VARCHAR NOT NULL,
                actor VARCHAR NOT NULL,
                imported_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
                rows_total INTEGER NOT NULL DEFAULT 0,
                rows_rejected INTEGER NOT NULL DEFAULT 0,
                answers_new INTEGER NOT NULL DEFAULT 0,
                answers_updated INTEGER NOT NULL DEFAULT 0,
                answers_unchanged INTEGER NOT NULL DEFAULT 0,
                units_new INTEGER NOT NULL DEFAULT 0,
                units_updated INTEGER NOT NULL DEFAULT 0,
                other_changes INTEGER NOT NULL DEFAULT 0,
                undone_at TIMESTAMP,
                undone_by VARCHAR
            )""",
            # Which import last wrote an answer (NULL: a check-in in the app). Undo of a new
            # answer needs no copy of it, only this mark.
            "ALTER TABLE answer ADD COLUMN import_id INTEGER",
            """CREATE TABLE import_answer_change (
                import_id INTEGER NOT NULL,
                unit_id VARCHAR NOT NULL,
                period VARCHAR NOT NULL,
                respondent VARCHAR NOT NULL,
                item_id VARCHAR NOT NULL,
                old_score SMALLINT,
                old_scale_max SMALLINT NOT NULL,
                old_comment VARCHAR,
                old_import_id INTEGER
            )""",
            """CREATE TABLE import_checkin_created (
                import_id INTEGER NOT NULL,
                unit_id VARCHAR NOT NULL,
                period VARCHAR NOT NULL,
                respondent VARCHAR NOT NULL
            )""",
            """CREATE TABLE import_role_change (
                import_id INTEGER NOT NULL,
                unit_id VARCHAR NOT NULL,
                period VARCHAR NOT NULL,
                respondent VARCHAR NOT NULL,
                kind VARCHAR NOT NULL,
                old_roles VARCHAR[],
                new_roles VARCHAR[]
            )""",
            """CREATE TABLE import_reflection_change (
                import_id INTEGER NOT NULL,
                unit_id VARCHAR NOT NULL,
                period VARCHAR NOT NULL,
                respondent VARCHAR NOT NULL,
                question_id VARCHAR NOT NULL,
                old_answer VARCHAR,
                new_answer VARCHAR NOT NULL
            )""",
            """CREATE TABLE import_unit_change (
                import_id INTEGER NOT NULL,
                unit_id VARCHAR NOT NULL,
                existed BOOLEAN NOT NULL,
                old_name VARCHAR,
                old_parent_id VARCHAR,
                new_name VARCHAR NOT NULL,
                new_parent_id VARCHAR
            )""",
            """CREATE TABLE header_mapping (
                signature VARCHAR PRIMARY KEY,
                mapping VARCHAR NOT NULL,
                saved_by VARCHAR NOT NULL,
                saved_at TIMESTAMP NOT NULL DEFAULT current_timestamp
            )""",
        ],
    ),
    (
        4,
        "unit members: the leaders expected to check in for each unit",
        [
            # Who is expected to check in for a unit, so missing check-ins show. A person id is
            # the respondent value their check-ins carry. Issue 5 (people and roles) extends it.
            """CREATE TABLE unit_member (
                unit_id VARCHAR NOT NULL,
                person_id VARCHAR NOT NULL,
                PRIMARY KEY (unit_id, person_id)
            )""",
        ],
    ),
    (
        5,
        "answer rollup: answers summed per unit, period and item, maintained on every write",
        [
            # Dashboards roll answers up over whole subtrees; summing this (one row per unit,
            # period and item) instead of every answer keeps them fast at national scale.
            """CREATE TABLE answer_rollup (
                unit_id VARCHAR NOT NULL,
                period VARCHAR NOT NULL,
                item_id VARCHAR NOT NULL,
                n INTEGER NOT NULL,
                total BIGINT NOT NULL
            )""",
            """INSERT INTO answer_rollup
               SELECT unit_id, period, item_id, count(score), sum(score)
               FROM answer WHERE score IS NOT NULL
               GROUP BY unit_id, period, item_id
               ORDER BY period, unit_id, item_id""",
        ],
    ),
    (
        6,
        "people, role assignments per unit, period locks, settings and the audit log",
        [
            """CREATE TABLE person (
                person_id VARCHAR PRIMARY KEY,
                name VARCHAR,
                email VARCHAR,
                sub VARCHAR,
                is_demo BOOLEAN NOT NULL DEFAULT false,
                created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
            )""",
            # unit_id '*' means every unit (an admin, or an organisation-wide manager).
            """CREATE TABLE role_assignment (
                person_id VARCHAR NOT NULL,
                role VARCHAR NOT NULL CHECK (role IN ('leader', 'manager', 'coordinator', 'admin')),
                unit_id VARCHAR NOT NULL,
                PRIMARY KEY (person_id, role, unit_id)
            )""",
            """INSERT INTO person (person_id, email, is_demo)
               SELECT DISTINCT m.person_id,
                      CASE WHEN m.person_id LIKE '%@%' THEN lower(m.person_id) END,
                      coalesce(bool_or(u.is_demo), false)
               FROM unit_member m LEFT JOIN unit u USING (unit_id)
               GROUP BY m.person_id""",
            """INSERT INTO role_assignment SELECT person_id, 'leader', unit_id FROM unit_member""",
            "DROP TABLE unit_member",
            # The leaders registered to a unit are its leader assignments.
            """CREATE VIEW unit_member AS
               SELECT unit_id, person_id FROM role_assignment WHERE role = 'leader'""",
            """CREATE TABLE period_lock (
                period VARCHAR PRIMARY KEY,
                locked_by VARCHAR NOT NULL,
                locked_at TIMESTAMP NOT NULL DEFAULT current_timestamp
            )""",
            """CREATE TABLE setting (
                key VARCHAR PRIMARY KEY,
                value VARCHAR NOT NULL,
                updated_by VARCHAR NOT NULL,
                updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp
            )""",
            "CREATE SEQUENCE audit_id_seq START 1",
            # Append-only: the code has no statement that updates or deletes a row here.
            """CREATE TABLE audit_log (
                audit_id BIGINT PRIMARY KEY DEFAULT nextval('audit_id_seq'),
                logged_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
                actor VARCHAR NOT NULL,
                action VARCHAR NOT NULL,
                target VARCHAR,
                details VARCHAR
            )""",
        ],
    ),
    (
        7,
        "plans: leaders' targets per item, actions tied to items with owner, due period, status",
        [
            # A target is part of one leader's check-in (unit, period, respondent): the score
            # the leader aims for on an item by a later quarter (target_period).
            """CREATE TABLE target (
                unit_id VARCHAR NOT NULL,
                period VARCHAR NOT NULL,
                respondent VARCHAR NOT NULL,
                item_id VARCHAR NOT NULL,
                target_period VARCHAR NOT NULL,
                score SMALLINT NOT NULL,
                scale_max SMALLINT NOT NULL,
                PRIMARY KEY (unit_id, period, respondent, item_id)
            )""",
            "CREATE SEQUENCE action_id_seq START 1",
            # closed_period: the quarter in which the action was reported done or dropped, so
            # the unit page can place it on the trend's time axis.
            """CREATE TABLE action (
                action_id INTEGER PRIMARY KEY DEFAULT nextval('action_id_seq'),
                unit_id VARCHAR NOT NULL,
                description VARCHAR NOT NULL,
                owner VARCHAR NOT NULL,
                due_period VARCHAR NOT NULL,
                status VARCHAR NOT NULL
                    CHECK (status IN ('planned', 'in_progress', 'done', 'dropped')),
                closed_period VARCHAR,
                created_period VARCHAR NOT NULL,
                source_question VARCHAR,
                created_by VARCHAR NOT NULL,
                created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
                updated_by VARCHAR NOT NULL,
                updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp
            )""",
            # The items (theme, competency or role ids) an action works on; one or more each.
            """CREATE TABLE action_item (
                action_id INTEGER NOT NULL,
                item_id VARCHAR NOT NULL,
                PRIMARY KEY (action_id, item_id)
            )""",
        ],
    ),
    (
        8,
        "actions imports in the import log: the state each import replaced, for undo",
        [
            # snapshot: the action as JSON (description, owner, due_period, status,
            # closed_period, items); before is NULL for an action the import created.
            """CREATE TABLE import_action_change (
                import_id INTEGER NOT NULL,
                action_id INTEGER NOT NULL,
                before VARCHAR,
                after VARCHAR NOT NULL
            )""",
        ],
    ),
    (
        9,
        "e-mail addresses in lower case wherever they name a person (respondents, people)",
        _casefold_emails(),
    ),
    (
        13,
        "rounds per quarter and subtree, the e-mails sent for them",
        [
            "CREATE SEQUENCE round_id_seq START 1",
            # One round asks the leaders of a unit's subtree to check in for a quarter. Rounds
            # of one quarter never overlap (the service refuses it), so each leader is asked
            # once. lock_set: closing it set the period lock, which reopening takes away again.
            """CREATE TABLE round (
                round_id INTEGER PRIMARY KEY DEFAULT nextval('round_id_seq'),
                unit_id VARCHAR NOT NULL,
                period VARCHAR NOT NULL,
                opens_on DATE NOT NULL,
                deadline DATE NOT NULL,
                state VARCHAR NOT NULL CHECK (state IN ('planned', 'open', 'closed')),
                lock_set BOOLEAN NOT NULL DEFAULT false,
                created_by VARCHAR NOT NULL,
                created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
                closed_by VARCHAR,
                closed_at TIMESTAMP,
                UNIQUE (unit_id, period)
            )""",
            "CREATE SEQUENCE mail_id_seq START 1",
            # One row per message: a leader, a unit of the round, a kind. Never a second row
            # for the same key, so a message is never sent twice; a failed one is retried in
            # place (attempts, last_error). No content of answers is ever stored or sent.
            """CREATE TABLE mail_message (
                mail_id INTEGER PRIMARY KEY DEFAULT nextval('mail_id_seq'),
                round_id INTEGER NOT NULL,
                unit_id VARCHAR NOT NULL,
                person_id VARCHAR NOT NULL,
                kind VARCHAR NOT NULL,
                email VARCHAR,
                lang VARCHAR NOT NULL,
                status VARCHAR NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
                attempts INTEGER NOT NULL DEFAULT 0,
                last_error VARCHAR,
                created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
                updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
                sent_at TIMESTAMP,
                UNIQUE (round_id, unit_id, person_id, kind)
            )""",
        ],
    ),
    (
        19,
        "check-in drafts: what a person typed and has not saved yet, per unit and quarter",
        [
            # content: the form's values as JSON. Personal data: only its author reads it, it
            # is in their data export and goes with their erasure.
            """CREATE TABLE checkin_draft (
                respondent VARCHAR NOT NULL,
                unit_id VARCHAR NOT NULL,
                period VARCHAR NOT NULL,
                content VARCHAR NOT NULL,
                saved_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
                PRIMARY KEY (respondent, unit_id, period)
            )""",
        ],
    ),
    (
        21,
        "a signed-in person's UI language, remembered across sessions",
        [
            # Keyed by the acting person's id (also a configured admin without a person row).
            """CREATE TABLE person_language (
                person_id VARCHAR PRIMARY KEY,
                language VARCHAR NOT NULL,
                updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp
            )""",
        ],
    ),
    (
        30,
        "released quarters: what was shown (marks, snapshots per version) and changes held back",
        [
            # The figures of a unit's subtree for a quarter have been shown (a round closed,
            # or a round opened for a quarter already shown): changes after it are held.
            """CREATE TABLE release_mark (
                unit_id VARCHAR NOT NULL,
                period VARCHAR NOT NULL,
                marked_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
                PRIMARY KEY (unit_id, period)
            )""",
            "CREATE SEQUENCE held_id_seq START 1",
            # A check-in or imported row for a released quarter, waiting for a re-release.
            """CREATE TABLE held_change (
                held_id INTEGER PRIMARY KEY DEFAULT nextval('held_id_seq'),
                unit_id VARCHAR NOT NULL,
                period VARCHAR NOT NULL,
                respondent VARCHAR NOT NULL,
                source VARCHAR NOT NULL CHECK (source IN ('checkin', 'import')),
                import_id INTEGER,
                actor VARCHAR NOT NULL,
                payload VARCHAR NOT NULL,
                held_at TIMESTAMP NOT NULL DEFAULT current_timestamp
            )""",
            # Each version of a quarter that was shown before a change (a re-release or a
            # moved unit), with its counts and tree, and what each re-release changed.
            """CREATE TABLE release_version (
                period VARCHAR NOT NULL,
                version INTEGER NOT NULL,
                taken_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
                taken_by VARCHAR NOT NULL,
                reason VARCHAR NOT NULL,
                PRIMARY KEY (period, version)
            )""",
            """CREATE TABLE release_count (
                period VARCHAR NOT NULL,
                version INTEGER NOT NULL,
                kind VARCHAR NOT NULL,
                key VARCHAR NOT NULL,
                unit_id VARCHAR NOT NULL,
                n INTEGER NOT NULL,
                PRIMARY KEY (period, version, kind, key, unit_id)
            )""",
            """CREATE TABLE release_tree (
                period VARCHAR NOT NULL,
                version INTEGER NOT NULL,
                unit_id VARCHAR NOT NULL,
                parent_id VARCHAR,
                PRIMARY KEY (period, version, unit_id)
            )""",
            """CREATE TABLE release_change (
                period VARCHAR NOT NULL,
                version INTEGER NOT NULL,
                kind VARCHAR NOT NULL,
                key VARCHAR NOT NULL,
                unit_id VARCHAR NOT NULL,
                changed INTEGER NOT NULL,
                PRIMARY KEY (period, version, kind, key, unit_id)
            )""",
        ],
    ),
    (
        40,
        "leader-group meetings: per unit and released quarter, the group's notes per step, the "
        "actions agreed in them and the summary made when the meeting closes",
        [
            "CREATE SEQUENCE meeting_id_seq START 1",
            # opened_by / closed_by name a person (an e-mail): in My data, and made ERASED by
            # erasure. summary: the figures of the closed meeting's one page as JSON
            # (aggregates under the privacy rule, never a note or a name).
            """CREATE TABLE meeting (
                meeting_id INTEGER PRIMARY KEY DEFAULT nextval('meeting_id_seq'),
                unit_id VARCHAR NOT NULL,
                period VARCHAR NOT NULL,
                opened_by VARCHAR NOT NULL,
                opened_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
                closed_by VARCHAR,
                closed_at TIMESTAMP,
                summary VARCHAR
            )""",
            "CREATE SEQUENCE meeting_note_id_seq START 1",
            # The group's own text: personal data of its writer (written_by), and it may name
            # others. In My data; deleted by its writer's erasure, like reflections.
            """CREATE TABLE meeting_note (
                note_id INTEGER PRIMARY KEY DEFAULT nextval('meeting_note_id_seq'),
                meeting_id INTEGER NOT NULL,
                step VARCHAR NOT NULL,
                note VARCHAR NOT NULL,
                written_by VARCHAR NOT NULL,
                written_at TIMESTAMP NOT NULL DEFAULT current_timestamp
            )""",
            # Which actions (in the action table) a meeting agreed, at which step.
            """CREATE TABLE meeting_action (
                meeting_id INTEGER NOT NULL,
                action_id INTEGER NOT NULL,
                step VARCHAR NOT NULL,
                PRIMARY KEY (meeting_id, action_id)
            )""",
        ],
    ),
    (
        41,
        "an answer may say 'do not know / not relevant': no score, so it is in no mean or count",
        [
            # A not-known answer has a NULL score: every sum, count(score) and mean leaves it
            # out by the one rule that a mean is over the scores given (SQL's own NULL rule).
            "ALTER TABLE answer ADD COLUMN not_known BOOLEAN NOT NULL DEFAULT false",
        ],
    ),
    (
        42,
        "PostgreSQL: indexes for the dashboards' per-quarter and per-viewer reads",
        [
            # The Likert chart counts one quarter's answers per item and score.
            PostgresOnly(
                "CREATE INDEX answer_period_item ON answer (period, item_id) INCLUDE (unit_id, score)"
            ),
            # What a viewer knows (store/privacy.py): the answers and check-ins they gave, and
            # the rows of the files they imported.
            PostgresOnly("CREATE INDEX answer_respondent_folded ON answer (lower(respondent))"),
            PostgresOnly("CREATE INDEX answer_import ON answer (import_id)"),
            PostgresOnly("CREATE INDEX checkin_respondent_folded ON checkin (lower(respondent))"),
            # The roll-up of a subtree (a unit's rows) and of a quarter; a check-in's save
            # replaces its unit's and quarter's rows.
            PostgresOnly(
                "CREATE INDEX answer_rollup_unit_period ON answer_rollup (unit_id, period)"
            ),
            PostgresOnly("CREATE INDEX answer_rollup_period ON answer_rollup (period)"),
        ],
    ),
]

LATEST = max(version for version, _, _ in MIGRATIONS)


def current_version(con: Any) -> int:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables"
        " WHERE table_name = 'schema_version' AND table_schema = current_schema()"
    ).fetchone()
    if not exists or not exists[0]:
        return 0
    row = con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()
    return int(row[0]) if row else 0


class NewerSchemaError(RuntimeError):
    """The database was written by a newer dtmaturity: this one must not touch it."""


def apply(con: Any, target: int | None = None) -> list[str]:
    """Apply every pending step up to `target` (default: all), each in its own transaction.
    A database whose schema is newer than this code knows is refused, untouched."""
    found = current_version(con)
    if found > LATEST:
        raise NewerSchemaError(
            f"the schema version is {found}, newer than this dtmaturity knows (version "
            f"{LATEST}). Upgrade dtmaturity, or restore a copy made by this version."
        )
    con.execute(
        """CREATE TABLE IF NOT EXISTS schema_version (
            version INTEGER PRIMARY KEY,
            name VARCHAR NOT NULL,
            applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp
        )"""
    )
    # Every listed step not recorded yet, in list order: steps are numbered by the branch that
    # wrote them, so a file may hold a higher step (13) before a lower one (9) was merged.
    done = {row[0] for row in con.execute("SELECT version FROM schema_version").fetchall()}
    applied = []
    for version, name, statements in MIGRATIONS:
        if version in done or (target is not None and version > target):
            continue
        con.begin()
        try:
            for statement in statements:
                if isinstance(statement, PostgresOnly):
                    if not getattr(con, "is_postgres", False):
                        continue
                    statement = statement.sql
                con.execute(statement)
            con.execute("INSERT INTO schema_version (version, name) VALUES (?, ?)", [version, name])
            con.commit()
        except BaseException:
            con.rollback()
            raise
        applied.append(f"{version}: {name}")
    return applied
