"""A fictional agency with two years of plausible check-ins, for trying the app. Marked as demo."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

import pandas as pd

from dtmaturity.domain.framework import Framework
from dtmaturity.domain.model import ROLE_KINDS
from dtmaturity.domain.periods import Period
from dtmaturity.domain.plan import ActionDraft
from dtmaturity.services import authz
from dtmaturity.services.context import Context
from dtmaturity.store import demo as demo_sql
from dtmaturity.store import plans as plans_sql
from dtmaturity.store import queries

AGENCY = ("demo", "Fjordetaten (demo)")
DIVISIONS = {
    "demo-bruker": (
        "Divisjon for brukere og tjenester",
        ["Kundesenteret", "Digitale tjenester", "Klagebehandling", "Kommunikasjon", "Veiledning"],
    ),
    "demo-teknologi": (
        "Divisjon for teknologi og data",
        ["Plattform og drift", "Dataplattform", "Informasjonssikkerhet", "Arkitektur"],
    ),
    "demo-forvaltning": (
        "Divisjon for forvaltning og styring",
        ["Økonomi", "HR og organisasjon", "Juridisk", "Virksomhetsstyring", "Innkjøp"],
    ),
}
FIRST_NAMES = [
    "Kari", "Ola", "Ingrid", "Lars", "Sigrid", "Håkon", "Åse", "Bjørn", "Marit", "Øystein",
    "Nora", "Emil", "Tone", "Jørgen", "Liv", "Pål", "Hanne", "Sindre", "Ragnhild", "Trond",
]  # fmt: skip
LAST_NAMES = [
    "Nordmann", "Hansen", "Johansen", "Olsen", "Larsen", "Berg", "Haugen", "Dahl", "Lie",
    "Sæther", "Strøm", "Bakke", "Solberg", "Kristiansen", "Ødegård", "Aas",
]  # fmt: skip
COMMENTS = [
    "Vi har startet et felles arbeid med brukerreiser på tvers av seksjonene.",
    "Ny leverandøravtale gir oss skytjenester, men vi mangler kompetanse til å bruke dem.",
    "Piloten med chatbot ble lagt ned – vi lærte mye om hva brukerne faktisk spør om.",
    "Ledergruppen har tatt opp temaet på tre av fire møter i kvartalet.",
    "Vanskelig å prioritere når driftsoppgavene tar all tiden.",
    "Gode erfaringer med tverrfaglige team i prosjektet «Enklere søknad».",
    "Vi deler nå data med to andre etater via API, etter avklaring med personvernombudet.",
    "Mange ansatte er usikre på hva de har lov til å prøve ut.",
]
# Reflections per question of the framework, each an answer to the question it stands under.
REFLECTIONS: dict[str, list[str]] = {
    "wheel_strongest": [
        "Brukerorientering: vi er gode på å involvere brukerne tidlig, f.eks. i arbeidet med ny "
        "søknadsløsning.",
        "Datadrevet utvikling, fordi saksbehandlerne selv har bedt om tallene og bruker dem.",
    ],
    "wheel_weakest": [
        "Samhandling på tvers: vi holder oss innenfor egen seksjon, og ingen eier helheten.",
        "Teknologi: gamle fagsystemer gjør at hver endring tar måneder.",
    ],
    "wheel_next_step": [
        "Det neste steget er å ta i bruk data fra saksbehandlingen i styringen.",
        "Teste den nye søknadsløsningen med fem brukere før sommeren.",
    ],
    "competencies_strong": [
        "Vi er gode på å lære av hverandre: ledermøtet starter alltid med hva vi har prøvd ut.",
        "Tillit: medarbeiderne får ansvar for hele oppgaven, ikke bare sin del.",
    ],
    "competencies_weak": [
        "Vi må bli flinkere til å dele det som ikke gikk bra, ikke bare suksessene.",
        "Å utfordre det etablerte: vi kan starte med å stoppe rapporter ingen leser.",
    ],
    "competencies_meaning": [
        "For oss betyr «utfordre det etablerte» å stoppe rapporter ingen leser.",
        "«Lærende ledelse» betyr at vi prøver noe nytt i liten skala og ser på resultatet sammen.",
    ],
    "roles_cultivate": [
        "Innovatøren og brobyggeren må få mer plass, ellers blir vi bare flinkere til det gamle.",
        "Ledergruppen vil prøve ut en «feilfest» hvert kvartal for å styrke utforskeren i oss.",
    ],
    "roles_most_often": [
        "Tilretteleggeren: jeg rydder vei for teamet og sørger for at de har det de trenger.",
        "Driftslederen, fordi hverdagen fylles av saker som må løses i dag.",
    ],
    "roles_want": [
        "Jeg vil være mer visjonær og peke ut retning for de neste årene.",
        "Brobyggeren mot de andre etatene vi deler brukere med.",
    ],
    "roles_more_often": [
        "Brukerforkjemperen, særlig når vi prioriterer budsjett.",
        "Utfordreren: jeg sier for sjelden imot når noe er «slik vi alltid har gjort det».",
    ],
    "roles_group_lacks": [
        "Vi mangler en tydelig brobygger mot de andre etatene i økosystemet.",
        "Ingen i ledergruppen tar rollen som utfordrer.",
    ],
    "roles_group_too_many": [
        "Vi har for mange tilretteleggere og for få som peker ut retning.",
        "Driftslederne dominerer; fornyelsen får lite plass i møtene.",
    ],
}
# For a question of another framework file: an answer that fits any question.
REFLECTION_ANY = "Vi tar dette opp i neste ledermøte og kommer tilbake med konkrete eksempler."


def reflection_for(question_id: str, rng: random.Random) -> str:
    """A demo answer to the question `question_id`."""
    return rng.choice(REFLECTIONS.get(question_id, [REFLECTION_ANY]))


@dataclass(frozen=True)
class DemoSummary:
    units: int
    checkins: int
    answers: int


def periods(today: date | None = None, count: int = 8) -> list[Period]:
    """The `count` complete quarters before today's, oldest first."""
    last = Period.current(today).previous()
    return [last.shift(-i) for i in reversed(range(count))]


def _units() -> list[tuple[str, str, str | None, bool]]:
    rows: list[tuple[str, str, str | None, bool]] = [(AGENCY[0], AGENCY[1], None, True)]
    for division_id, (division_name, children) in DIVISIONS.items():
        rows.append((division_id, division_name, AGENCY[0], True))
        for index, child in enumerate(children, start=1):
            rows.append((f"{division_id}-{index:02d}", child, division_id, True))
    return rows


def _person(rng: random.Random, taken: set[str]) -> str:
    while True:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        ascii_name = (
            f"{first}.{last}".lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
        )
        email = f"{ascii_name}@fjordetaten.example"
        if email not in taken:
            taken.add(email)
            return email


def generate(framework: Framework, *, today: date | None = None, seed: int = 2019) -> dict:
    """Units and frames of check-ins, answers, role picks and reflections. Deterministic."""
    rng = random.Random(seed)
    quarters = periods(today)
    units = _units()
    taken: set[str] = set()
    checkins, answers, roles, reflections, members = [], [], [], [], []
    question_ids = [q.id for q in framework.questions]
    role_ids = [r.id for r in framework.roles]
    for unit_id, *_ in units:
        leaders = [_person(rng, taken) for _ in range(rng.randint(3, 5))]
        members += [(unit_id, leader) for leader in leaders]
        start = {item.id: rng.uniform(1.4, 3.2) for item in framework.items}
        unit_pace = rng.uniform(-0.04, 0.22)
        favourite_roles = rng.sample(role_ids, 4)
        for step, quarter in enumerate(quarters):
            for number, leader in enumerate(leaders):
                if number and rng.random() < 0.08:  # somebody misses a quarter now and then
                    continue
                key = (unit_id, str(quarter), leader)
                checkins.append((*key, framework.version_key, True))
                for item in framework.items:
                    level = start[item.id] + unit_pace * step + rng.gauss(0, 0.55)
                    score = max(item.scale.min, min(item.scale.max, round(level)))
                    comment = rng.choice(COMMENTS) if rng.random() < 0.04 else None
                    answers.append((*key, item.id, score, item.scale.max, comment))
                for kind in ROLE_KINDS:
                    pool = favourite_roles if kind == "most" else role_ids
                    for role in rng.sample(pool, rng.randint(1, 2)):
                        roles.append((*key, kind, role))
                if rng.random() < 0.25:
                    question = rng.choice(question_ids)
                    reflections.append((*key, question, reflection_for(question, rng)))
    reflections = list({r[:4]: r for r in reflections}.values())
    roles = list({r: r for r in roles}.values())
    key_columns = ["unit_id", "period", "respondent"]
    return {
        "units": units,
        "checkins": pd.DataFrame(checkins, columns=[*key_columns, "framework_version", "is_demo"]),
        "answers": pd.DataFrame(
            answers, columns=[*key_columns, "item_id", "score", "scale_max", "comment"]
        ),
        "roles": pd.DataFrame(roles, columns=[*key_columns, "kind", "role_id"]),
        "reflections": pd.DataFrame(reflections, columns=[*key_columns, "question_id", "answer"]),
        "members": pd.DataFrame(members, columns=["unit_id", "person_id"]),
    }


def has_demo(ctx: Context) -> bool:
    with ctx.store.reader() as cur:
        return demo_sql.has_demo(cur)


def create(ctx: Context, *, today: date | None = None) -> DemoSummary:
    """Add the demo organisation (replacing an earlier demo) in one transaction."""
    authz.require_admin(ctx)
    data = generate(ctx.framework, today=today)

    def work(cur: queries.Cursor) -> None:
        demo_sql.delete_demo(cur)
        demo_sql.insert_demo(
            cur,
            units=data["units"],
            checkins=data["checkins"],
            answers=data["answers"],
            roles=data["roles"],
            reflections=data["reflections"],
            members=data["members"],
        )
        _insert_plans(cur, data, ctx.actor.user_id)

    ctx.write(work, "demo.create", details={"units": len(data["units"])})
    return DemoSummary(len(data["units"]), len(data["checkins"]), len(data["answers"]))


ACTIONS = [
    ("user", "Kartlegge brukerreisen for søknad om tilskudd sammen med brukerne"),
    ("data", "Dele saksbehandlingsdata med to andre etater via API"),
    ("experiment", "Prøve ut en «feilfest» på ledermøtet hvert kvartal"),
    ("ecosystem", "Etablere fast samarbeid med kommunene om felles tjenester"),
    ("storytelling", "Fortelle om et mislykket forsøk – og hva vi lærte – på allmøtet"),
    ("technology", "Ta i bruk skytjenester for analyse i ett team"),
]


def _insert_plans(cur: queries.Cursor, data: dict, actor: str) -> None:
    """Targets a year ahead (one level up) for the latest quarter's check-ins, and two actions
    per unit (one done a while ago, one under way), so the demo shows plans on its charts."""
    answers = data["answers"]
    latest = answers["period"].max()
    goal = str(Period.parse(latest).shift(4))
    targets = answers[answers["period"] == latest].assign(
        target_period=goal,
        score=lambda f: (f["score"] + 1).clip(upper=f["scale_max"]),
    )[["unit_id", "period", "respondent", "item_id", "target_period", "score", "scale_max"]]
    cur.register("demo_targets", targets)
    cur.execute("INSERT INTO target SELECT * FROM demo_targets")
    cur.unregister("demo_targets")
    periods = sorted(answers["period"].unique())
    owners = data["members"].groupby("unit_id")["person_id"].first()
    for number, (unit_id, owner) in enumerate(owners.items()):
        for step, status in ((0, "done"), (1, "in_progress")):
            item, description = ACTIONS[(number + step) % len(ACTIONS)]
            due = periods[-3] if status == "done" else goal
            draft = ActionDraft(unit_id, [item], description, owner, due, status)
            plans_sql.insert_action(
                cur,
                draft,
                closed_period=periods[-3] if status == "done" else None,
                created_period=periods[-5],
                actor=actor,
            )


@dataclass(frozen=True)
class NationalShape:
    """How big the national-scale demo is: a four-level tree under one agency."""

    divisions: int = 10
    departments: int = 10  # per division
    sections: int = 19  # per department
    leaders: int = 5  # expected leaders per unit
    quarters: int = 20

    @property
    def units(self) -> int:
        return 1 + self.divisions * (1 + self.departments * (1 + self.sections))


NATIONAL = NationalShape()
REGIONS = [
    "Nord", "Midt", "Vest", "Sør", "Øst", "Innlandet", "Agder", "Troms", "Finnmark", "Viken",
    "Møre", "Telemark",
]  # fmt: skip
DEPARTMENTS = [
    "Brukerdialog", "Saksbehandling", "Kontroll", "Analyse", "Digitale tjenester",
    "Økonomi", "Personal", "Juridisk", "Plattform", "Informasjonssikkerhet", "Innkjøp", "Arkiv",
]  # fmt: skip


def national_units(shape: NationalShape = NATIONAL) -> pd.DataFrame:
    """The units of the national-scale demo (a few thousand rows, built in Python)."""
    rows = [("nat", "Riksetaten (demo)", None)]
    for d in range(1, shape.divisions + 1):
        division = f"nat-{d:02d}"
        region = REGIONS[(d - 1) % len(REGIONS)]
        suffix = f" {(d - 1) // len(REGIONS) + 1}" if d > len(REGIONS) else ""
        rows.append((division, f"Region {region}{suffix}", "nat"))
        for a in range(1, shape.departments + 1):
            department = f"{division}-{a:02d}"
            name = DEPARTMENTS[(a - 1) % len(DEPARTMENTS)]
            rows.append((department, f"{name} {region}{suffix} {a}", division))
            for s in range(1, shape.sections + 1):
                rows.append(
                    (f"{department}-{s:02d}", f"Seksjon {s} ({name} {region} {a})", department)
                )
    return pd.DataFrame(rows, columns=["unit_id", "name", "parent_id"])


def create_national(
    ctx: Context, *, shape: NationalShape = NATIONAL, today: date | None = None
) -> DemoSummary:
    """Replace the demo with a national-scale one (about 2,000 units and 3 M answers with the
    default shape). The check-ins, answers, role picks and reflections are generated inside
    DuckDB from hashes, so it takes seconds and is deterministic."""
    authz.require_admin(ctx)
    quarters = [str(p) for p in periods(today, count=shape.quarters)]
    units = national_units(shape)

    def work(cur: queries.Cursor) -> None:
        demo_sql.delete_demo(cur)
        demo_sql.insert_national_demo(
            cur,
            units=units,
            leaders_per_unit=shape.leaders,
            periods=quarters,
            version=ctx.framework.version_key,
            item_ids=[item.id for item in ctx.framework.items],
            scale_maxes=[item.scale.max for item in ctx.framework.items],
            role_ids=[role.id for role in ctx.framework.roles],
            question_ids=[q.id for q in ctx.framework.questions],
            comments=COMMENTS,
            reflections=[text for texts in REFLECTIONS.values() for text in texts],
        )

    ctx.write(work, "demo.create", details={"units": len(units), "scale": "national"})
    with ctx.store.reader() as cur:
        counts = queries.count_rows(cur)
    return DemoSummary(len(units), counts["checkin"], counts["answer"])


def remove(ctx: Context) -> int:
    """Delete the demo units and every check-in made for them; returns the units removed."""
    authz.require_admin(ctx)
    return ctx.write(demo_sql.delete_demo, "demo.remove", details=lambda n: {"units": n})


def removal_counts(ctx: Context) -> dict[str, int]:
    """What `remove` would delete (units, check-ins, actions), for its confirmation step."""
    authz.require_admin(ctx)
    with ctx.store.reader() as cur:
        return demo_sql.demo_counts(cur)
