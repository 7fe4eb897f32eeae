"""Check-in drafts: kept per person, unit and quarter, read only by their author, gone with a
save, and part of the person's data export, erasure and the retention purge."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from dtmaturity.domain.access import EVERY_UNIT, Grant
from dtmaturity.domain.model import CheckIn
from dtmaturity.domain.periods import Period
from dtmaturity.services import audit, checkins, drafts, personaldata
from dtmaturity.services.authz import AccessDenied
from dtmaturity.services.context import Actor, Context
from dtmaturity.store.migrations import LATEST

UNIT = "demo-bruker-01"
CURRENT = str(Period.current())
TYPED = {"comment:user": "Halvferdig – «tanke»", "score:user": 4}


def person(ctx: Context, who: str, *grants: Grant) -> Context:
    actor = Actor(who, who, grants or (Grant("leader", UNIT),), local_mode=False)
    return Context(actor=actor, store=ctx.store, framework=ctx.framework, lang="en")


def test_the_schema_has_the_draft_table(ctx):
    with ctx.store.reader() as cur:
        assert cur.execute("SELECT max(version) FROM schema_version").fetchone()[0] == LATEST
        assert cur.execute("SELECT count(*) FROM checkin_draft").fetchone()[0] == 0


def test_a_draft_is_kept_per_unit_and_quarter_and_read_only_by_its_author(demo_ctx):
    kari = person(demo_ctx, "kari@etat.example")
    ola = person(demo_ctx, "ola@etat.example")
    drafts.save(kari, UNIT, CURRENT, TYPED)
    assert drafts.load(kari, UNIT, CURRENT).values == TYPED
    assert drafts.load(kari, UNIT, str(Period.current().previous())) is None
    assert drafts.load(ola, UNIT, CURRENT) is None  # another leader of the same unit
    drafts.save(kari, UNIT, CURRENT, {**TYPED, "score:user": 2})
    assert drafts.load(kari, UNIT, CURRENT).values["score:user"] == 2
    assert drafts.discard(kari, UNIT, CURRENT) and drafts.load(kari, UNIT, CURRENT) is None


def test_no_draft_for_a_unit_one_may_not_check_in_for(demo_ctx):
    stranger = person(demo_ctx, "x@etat.example", Grant("leader", "demo-teknologi-02"))
    with pytest.raises(AccessDenied):
        drafts.save(stranger, UNIT, CURRENT, TYPED)


def test_saving_the_checkin_deletes_its_draft(demo_ctx):
    kari = person(demo_ctx, "kari@etat.example")
    drafts.save(kari, UNIT, CURRENT, TYPED)
    checkin = CheckIn(UNIT, CURRENT, "kari", scores={i.id: 3 for i in demo_ctx.framework.items})
    assert checkins.save(kari, checkin).ok
    assert drafts.load(kari, UNIT, CURRENT) is None


def test_a_draft_is_in_the_data_export_and_goes_with_erasure(demo_ctx):
    kari = person(demo_ctx, "kari@etat.example")
    drafts.save(kari, UNIT, CURRENT, TYPED)
    bundle = zipfile.ZipFile(io.BytesIO(personaldata.export_person(kari)))
    [row] = json.loads(bundle.read("data.json"))["tables"]["checkin_draft"]
    assert json.loads(row["content"]) == TYPED and row["unit_id"] == UNIT
    admin = person(demo_ctx, "admin@etat.example", Grant("admin", EVERY_UNIT))
    assert personaldata.erase_person(admin, "kari@etat.example")["drafts_deleted"] == 1
    assert drafts.load(kari, UNIT, CURRENT) is None


def test_the_retention_purge_deletes_old_drafts(demo_ctx):
    kari = person(demo_ctx, "kari@etat.example")
    old = str(Period.current().shift(-6))
    drafts.save(kari, UNIT, old, TYPED)
    drafts.save(kari, UNIT, CURRENT, TYPED)
    admin = person(demo_ctx, "admin@etat.example", Grant("admin", EVERY_UNIT))
    personaldata.purge(admin, 4, dry_run=False)
    assert drafts.load(kari, UNIT, old) is None
    assert drafts.load(kari, UNIT, CURRENT).values == TYPED


def test_a_draft_leaves_everyones_cached_figures_valid_and_a_save_does_not(demo_ctx):
    """Every click in the form saves a draft: were that to advance the data version, each
    leader's click at quarter end would make every viewer's next page recompute from scratch."""
    kari = person(demo_ctx, "kari@etat.example")
    version = demo_ctx.store.data_version()
    drafts.save(kari, UNIT, CURRENT, TYPED)
    drafts.save(kari, UNIT, CURRENT, {**TYPED, "score:user": 2})
    assert drafts.discard(kari, UNIT, CURRENT)
    drafts.save(kari, UNIT, CURRENT, TYPED)
    assert demo_ctx.store.data_version() == version
    log = audit.audit_log(demo_ctx)
    recorded = ["checkin.draft", "checkin.draft_discard", "checkin.draft", "checkin.draft"]
    assert list(log["action"][:4]) == recorded  # still in the audit log, newest first
    checkin = CheckIn(UNIT, CURRENT, "kari", scores={i.id: 3 for i in demo_ctx.framework.items})
    assert checkins.save(kari, checkin).ok
    assert demo_ctx.store.data_version() == version + 1


def test_no_cached_reader_can_read_the_draft_table():
    """The draft writes keep the data version (above) only because nothing cached by it reads
    drafts: the table is named in the drafts' own SQL, the personal-data export and erasure
    (read and written fresh each time; the table is in the list of columns naming a person) and
    the migrations, nowhere else."""
    root = Path(__file__).resolve().parents[2] / "dtmaturity"
    naming = {
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "checkin_draft" in path.read_text(encoding="utf-8")
    }
    assert naming == {
        "store/drafts.py",
        "store/people.py",
        "store/person_columns.py",
        "store/migrations.py",
    }
