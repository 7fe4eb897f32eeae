"""Shared fixtures: a real database (a DuckDB file in a temporary folder, or a PostgreSQL
database of its own), the real framework, AppTest.

The store and service tests run on both databases through one fixture parameter, `database`
(test ids end in [duckdb] or [postgresql]); every other test runs on the DuckDB file only. A
module whose behaviour cannot differ between the databases (or that tests the file itself)
says so with `pytestmark = pytest.mark.duckdb_only("why")`. On PostgreSQL each test gets a
database copied (CREATE DATABASE ... TEMPLATE) from one migrated once per session, and the demo
is built once per session into a database copied the same way.

The demo organisation is built once per test session (`demo_file`, about a second on a busy
machine) and each test that asks for it gets its own copy of the file (`demo_db`, `demo_ctx`),
so tests may write to it freely. Caches never mix copies up: results are cached per Store
object and per data version, and the data version is kept per database file path
(dtmaturity/services/cache.py, store/db.py); every copy has a path of its own.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from mailserver import MailServer, mail_env

from dtmaturity.domain import clock
from dtmaturity.domain.framework import Framework, load
from dtmaturity.services import demo
from dtmaturity.services.context import Actor, Context, local_actor
from dtmaturity.services.runtime import open_runtime
from dtmaturity.store import Store

LOCAL_USER = "test.leader@etat.example"  # the local user every test acts as (db_path)


@pytest.fixture
def mail(monkeypatch: pytest.MonkeyPatch) -> Iterator[MailServer]:
    """A real SMTP server on loopback (tests/mailserver.py), and the app's mail settings
    pointing at it for this test."""
    server = MailServer().start()
    mail_env(monkeypatch, server)
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def close_what_the_test_opened(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every Store a test (or its function fixtures, or a page it runs) opens is closed when
    the test ends, closed already or not. A store left open on PostgreSQL keeps a pool whose
    threads try to reconnect once the test's database is dropped, and which Python may then
    collect inside one of those threads ("cannot join current thread"); on DuckDB it holds
    the file. Stores of module and session fixtures are made before this starts: they are
    their fixtures' to close."""
    opened: list[Store] = []
    real_init = Store.__init__

    def init(self: Store, *args: object, **kwargs: object) -> None:
        real_init(self, *args, **kwargs)
        opened.append(self)

    monkeypatch.setattr(Store, "__init__", init)
    yield
    monkeypatch.setattr(Store, "__init__", real_init)
    for store in opened:
        store.close()


@pytest.fixture(scope="session")
def framework() -> Framework:
    return load()


DATABASES = ("duckdb", "postgresql")
BOTH_DATABASES = ("store", "services")  # the test folders run on both databases


def pytest_configure(config: pytest.Config) -> None:
    pin_the_day(config)
    config.addinivalue_line(
        "markers", "duckdb_only(reason): a store or service test that runs on DuckDB only"
    )
    config.addinivalue_line(
        "markers",
        "postgresql_when(where=predicate): a store or service test whose PostgreSQL cases run "
        "only where predicate(**its parameters) holds (its docstring says why the rest cannot differ)",
    )


# The folders in the order their files start under `make test` (pytest-xdist): the long
# browser and process tests first, the quick ones last to fill the gaps, so the run does not
# end with one worker finishing a long browser file alone.
START_ORDER = ("e2e", "multiprocess", "web", "cli", "services", "store", "domain", "architecture")

# Tests whose cases may each run on a worker of their own under `make test` (long tests per
# language or benchmark that share no module fixture worth keeping), as a file, or a file's
# test (`file::name`, every case of it). Every other file's tests run on one worker, one after
# another, sharing its module fixtures (its server, its browser).
SPREAD = (
    "tests/e2e/test_benchmarks.py",
    "tests/e2e/test_browser_accessibility.py::"
    "test_every_page_and_tab_loads_cleanly_with_no_serious_accessibility_violation",
)


def is_spread(nodeid: str) -> bool:
    test = nodeid.split("[", 1)[0]
    return test in SPREAD or test.split("::", 1)[0] in SPREAD


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """The scheduler of `make test`: each test file on one worker (its tests one after another),
    except the SPREAD tests, each case on its own. (pytest-xdist's own `loadgroup` would do this
    with markers, but its group tag goes into `item._nodeid`, which pytest 9 no longer reads:
    every test became a group of its own and module fixtures, servers included, were built again
    on every worker and after every interruption.)"""
    from xdist.scheduler import LoadFileScheduling

    class FilesTogether(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return nodeid if is_spread(nodeid) else super()._split_scope(nodeid)

    return FilesTogether(config, log)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Files start longest kind first (START_ORDER; a stable sort keeps each file's own
    order). Every SPREAD entry must name collected tests when its file is collected."""
    items.sort(key=start_rank)
    leave_to_duckdb(config, items)
    files = {item.nodeid.split("::", 1)[0] for item in items}
    tests = {item.nodeid.split("[", 1)[0] for item in items} | files
    stale = [s for s in SPREAD if s.split("::", 1)[0] in files and s not in tests]
    if stale:
        raise pytest.UsageError(f"tests/conftest.py SPREAD names no test: {stale}")


def leave_to_duckdb(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect the PostgreSQL cases a `postgresql_when` predicate leaves to DuckDB: a matrix
    whose cases run the same SQL, where the second database would only double the cost (issue
    28: "run the second only where the behaviour could differ"). A predicate that keeps no
    PostgreSQL case of its test is an error: that test wants `duckdb_only`."""
    chosen: dict[str, bool] = {}
    dropped = []
    for item in items:
        marker = item.get_closest_marker("postgresql_when")
        params = getattr(item, "callspec", None) and item.callspec.params
        if marker is None or not params or params.get("database") != "postgresql":
            continue
        test = item.nodeid.split("[", 1)[0]
        keep = bool(marker.kwargs["where"](**params))
        chosen[test] = chosen.get(test, False) or keep
        if not keep:
            dropped.append(item)
    never = [test for test, kept in chosen.items() if not kept]
    if never:
        raise pytest.UsageError(f"postgresql_when keeps no PostgreSQL case of {never}")
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        gone = set(map(id, dropped))
        items[:] = [item for item in items if id(item) not in gone]


def start_rank(item: pytest.Item) -> int:
    folder = item.path.parent.name
    return START_ORDER.index(folder) if folder in START_ORDER else len(START_ORDER)


def pin_the_day(config: pytest.Config) -> None:
    """One date for the whole run, in this process: the day it started. A run that passes
    midnight would otherwise compute a test's expected deadline on one day and the app's on the
    next (a round opened "today" with yesterday's deadline). Servers the tests start as
    processes of their own read the real clock."""
    day = clock.today()
    patch = pytest.MonkeyPatch()
    patch.setattr(clock, "today", lambda: day)
    config.add_cleanup(patch.undo)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """The store and service tests that use a database run once per database."""
    if "database" not in metafunc.fixturenames:
        return
    folder = Path(str(metafunc.definition.fspath)).parent.name
    if folder in BOTH_DATABASES and not metafunc.definition.get_closest_marker("duckdb_only"):
        metafunc.parametrize("database", DATABASES, scope="function")


@pytest.fixture
def database() -> str:
    """Which database this test runs on: the DuckDB file unless parametrized (above)."""
    return "duckdb"


class Server:
    """This session's PostgreSQL: makes and drops the tests' databases by copying templates."""

    def __init__(self, url: str) -> None:
        from pgcluster import url_for

        self.url_for = lambda name: url_for(url, name)
        self._admin = psycopg.connect(url, autocommit=True)
        self._names = (f"t{os.getpid()}_{n}" for n in itertools.count())

    def create(self, template: str = "template0") -> str:
        name = next(self._names)
        self._admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return name

    def drop(self, name: str) -> None:
        self._admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        self._admin.close()


@pytest.fixture(scope="session")
def pg_server(request: pytest.FixtureRequest) -> Iterator[Server]:
    server = Server(request.getfixturevalue("pg_url"))
    yield server
    server.close()


@pytest.fixture(scope="session")
def pg_migrated(pg_server: Server) -> str:
    """A database at the latest schema, the template of each test's (migrated once)."""
    name = pg_server.create()
    Store(pg_server.url_for(name)).close()
    return name


@pytest.fixture
def new_db(database: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Path | str]:
    """Where a new, empty (not yet migrated) database of this test's kind is: a file path, or
    a postgresql:// URL."""
    if database == "duckdb":
        yield tmp_path / "new.duckdb"
        return
    server: Server = request.getfixturevalue("pg_server")
    name = server.create()
    yield server.url_for(name)
    server.drop(name)


@pytest.fixture
def db_path(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[Path | str]:
    """This test's database (DTMATURITY_DB): a DuckDB file, not yet made, or a PostgreSQL
    database at the latest schema (or, with `demo_db`, a copy of the demo)."""
    monkeypatch.delenv("DTMATURITY_FRAMEWORK", raising=False)
    monkeypatch.setenv("DTMATURITY_LOCAL_USER", LOCAL_USER)
    if database == "duckdb":
        path = tmp_path / "dtmaturity.duckdb"
        monkeypatch.setenv("DTMATURITY_DB", str(path))
        yield path
        return
    server: Server = request.getfixturevalue("pg_server")
    wants_demo = "demo_db" in request.fixturenames
    template = request.getfixturevalue("pg_demo" if wants_demo else "pg_migrated")
    name = server.create(template)
    url = server.url_for(name)
    monkeypatch.setenv("DTMATURITY_DB", url)
    yield url
    server.drop(name)


@pytest.fixture(scope="session")
def pg_demo(pg_server: Server) -> Iterator[str]:
    """The demo organisation on PostgreSQL, made once per session (the template of each
    test's copy); the session fails at its end if anything wrote to it."""
    name = pg_server.create("template0")
    url = pg_server.url_for(name)
    with pytest.MonkeyPatch.context() as env:
        env.delenv("DTMATURITY_FRAMEWORK", raising=False)
        store, framework = open_runtime(url)
    try:
        demo.create(Context(Actor(LOCAL_USER, LOCAL_USER), store, framework, lang="en"))
    finally:
        store.close()
    with psycopg.connect(url) as con:
        before = con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
    yield name
    with psycopg.connect(url) as con:
        after = con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
    assert after == before, "the demo original changed"


@pytest.fixture
def ctx(db_path: Path, request: pytest.FixtureRequest) -> Iterator[Context]:
    # A test may name `ctx` before `demo_db`: the demo copy must be in place before the file
    # is opened here, whatever the order of the test's arguments.
    if "demo_db" in request.fixturenames:
        request.getfixturevalue("demo_db")
    store, framework = open_runtime(db_path)
    yield Context(actor=local_actor(), store=store, framework=framework, lang="en")
    store.close()


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The demo organisation, made once per session as the local test user would make it with
    the start page's button (the actor is recorded in the audit log and on the demo's actions).
    The session fails at its end if anything wrote to this original instead of to a copy."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    with pytest.MonkeyPatch.context() as env:
        env.delenv("DTMATURITY_FRAMEWORK", raising=False)
        store, framework = open_runtime(path)
    try:
        demo.create(Context(Actor(LOCAL_USER, LOCAL_USER), store, framework, lang="en"))
    finally:
        store.close()
    leftovers = [p.name for p in path.parent.iterdir() if p != path]
    assert not leftovers, f"the closed demo database left {leftovers} beside it"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    yield path
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, "the demo original changed"


@pytest.fixture
def demo_db(database: str, db_path: Path | str, request: pytest.FixtureRequest) -> Path | str:
    """This test's own copy of the demo database, at `db_path` (DTMATURITY_DB), not yet open
    (on PostgreSQL, `db_path` is already the copy)."""
    if database == "duckdb":
        shutil.copyfile(request.getfixturevalue("demo_file"), db_path)
    return db_path


@pytest.fixture
def demo_ctx(demo_db: Path, ctx: Context) -> Context:
    """The acting local user on this test's own copy of the demo organisation."""
    return ctx
