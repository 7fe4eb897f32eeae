"""Load and validate the framework (themes, competencies, roles, questions, scales) from TOML.

The framework is data so an organisation can adapt it; a broken file must stop the app with a
message that names the file, the entry and what is wrong.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from dtmaturity.domain import i18n, settings

LANGUAGES = tuple(i18n.LANGUAGES)  # every label exists in every UI language
LENSES = ("wheel", "competencies", "roles")
DEFAULT_PATH = Path(__file__).resolve().parents[2] / "data" / "framework.toml"
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_URL = re.compile(r"^https?://[^\s\"<>]+$")


class FrameworkError(ValueError):
    """The framework file is broken or inconsistent; the message lists every problem found."""

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.path = str(path)
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"Invalid framework file {self.path}:\n{lines}")


Text = dict[str, str]


@dataclass(frozen=True)
class Level:
    value: int
    label: Text
    description: Text


@dataclass(frozen=True)
class Scale:
    id: str
    min: int
    max: int
    name: Text
    levels: tuple[Level, ...]

    @property
    def values(self) -> list[int]:
        return list(range(self.min, self.max + 1))

    def level(self, value: int) -> Level:
        return self.levels[value - self.min]


@dataclass(frozen=True)
class Resource:
    """A link to further material about an item (Digdir's or DFØ's pages, the agency's own
    intranet): a title in every language and an http(s) address."""

    title: Text
    url: str


@dataclass(frozen=True)
class Item:
    """A scored item: a wheel theme or a leadership competency. `resources` and `ideas`
    (example actions) are the optional guidance shown where the item is low, far from its
    target or has fallen."""

    id: str
    kind: str  # "theme" | "competency"
    scale: Scale
    name: Text
    description: Text
    status: Text
    source: Text
    resources: tuple[Resource, ...] = ()
    ideas: tuple[Text, ...] = ()
    # What each level of the scale looks like for this item, in scale order; empty: the
    # scale's own descriptions serve (see `level_description`).
    levels: tuple[Text, ...] = ()

    def level_description(self, value: int, lang: str) -> str:
        """How the item looks at this level: its own words, else the scale's."""
        if self.levels:
            return self.levels[value - self.scale.min][lang]
        return self.scale.level(value).description[lang]


@dataclass(frozen=True)
class Role:
    id: str
    name: Text
    description: Text
    status: Text
    source: Text


@dataclass(frozen=True)
class Question:
    id: str
    lens: str  # "wheel" | "competencies" | "roles"
    text: Text
    status: Text
    source: Text


@dataclass(frozen=True)
class Framework:
    id: str
    version: str
    name: Text
    note: Text
    source: Text
    source_url: str
    scales: tuple[Scale, ...]
    themes: tuple[Item, ...]
    competencies: tuple[Item, ...]
    roles: tuple[Role, ...]
    questions: tuple[Question, ...]
    content: str
    path: str

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.content.encode("utf-8")).hexdigest()

    @property
    def version_key(self) -> str:
        """What a check-in stores: the declared version plus a content hash, so an edit that
        forgets to bump the version still gets its own key."""
        return f"{self.version}+{self.sha256[:8]}"

    @property
    def items(self) -> tuple[Item, ...]:
        return self.themes + self.competencies

    @cached_property
    def items_by_id(self) -> dict[str, Item]:
        return {item.id: item for item in self.items}

    @cached_property
    def roles_by_id(self) -> dict[str, Role]:
        return {role.id: role for role in self.roles}

    def questions_for(self, lens: str) -> list[Question]:
        return [q for q in self.questions if q.lens == lens]

    def item_name(self, item_id: str, lang: str) -> str:
        """The item's name, or its id when the item no longer exists in this framework."""
        item = self.items_by_id.get(item_id)
        return item.name[lang] if item else item_id

    def role_name(self, role_id: str, lang: str) -> str:
        role = self.roles_by_id.get(role_id)
        return role.name[lang] if role else role_id


class _Checker:
    """Collects problems while walking the parsed TOML, so one run reports all of them."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def text(self, table: dict, key: str, where: str) -> Text:
        value = table.get(key)
        if not isinstance(value, dict):
            self.fail(where, f"missing table '{key}' with {', '.join(LANGUAGES)}")
            return {lang: "" for lang in LANGUAGES}
        for lang in LANGUAGES:
            if not isinstance(value.get(lang), str) or not value[lang].strip():
                self.fail(where, f"missing or empty '{key}.{lang}'")
        return {lang: str(value.get(lang, "")).strip() for lang in LANGUAGES}

    def string(self, table: dict, key: str, where: str, *, required: bool = True) -> str:
        value = table.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
        if required:
            self.fail(where, f"missing or empty '{key}'")
        return ""

    def integer(self, table: dict, key: str, where: str) -> int:
        value = table.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(where, f"'{key}' must be a whole number, got {value!r}")
            return 0
        return value

    def entries(self, data: dict, key: str) -> list[tuple[str, dict]]:
        value = data.get(key)
        if not isinstance(value, list) or not value:
            self.fail(f"[[{key}]]", "missing: at least one entry is required")
            return []
        out = []
        for index, entry in enumerate(value):
            ident = entry.get("id") if isinstance(entry, dict) else None
            where = f"{key}[{index}]" + (f" (id '{ident}')" if ident else "")
            if not isinstance(entry, dict):
                self.fail(where, "must be a table")
                continue
            out.append((where, entry))
        return out

    def ident(self, entry: dict, where: str, seen: dict[str, str]) -> str:
        value = entry.get("id")
        if not isinstance(value, str) or not _ID.match(value):
            self.fail(where, f"'id' must be lower-case letters, digits or _, got {value!r}")
            return str(value)
        if value in seen:
            self.fail(where, f"duplicate id '{value}' (also used by {seen[value]})")
        seen[value] = where
        return value


def _scales(check: _Checker, data: dict) -> dict[str, Scale]:
    scales: dict[str, Scale] = {}
    seen: dict[str, str] = {}
    for where, entry in check.entries(data, "scales"):
        scale_id = check.ident(entry, where, seen)
        low, high = check.integer(entry, "min", where), check.integer(entry, "max", where)
        if high - low < 1:
            check.fail(where, f"'max' ({high}) must be greater than 'min' ({low})")
        levels = []
        raw_levels = entry.get("levels") if isinstance(entry.get("levels"), list) else []
        values = [lv.get("value") for lv in raw_levels if isinstance(lv, dict)]
        if values != list(range(low, high + 1)):
            check.fail(where, f"levels must have values {low}..{high} in order, got {values}")
        for i, level in enumerate(raw_levels):
            lwhere = f"{where} levels[{i}]"
            levels.append(
                Level(
                    value=check.integer(level, "value", lwhere),
                    label=check.text(level, "label", lwhere),
                    description=check.text(level, "description", lwhere),
                )
            )
        scales[scale_id] = Scale(
            scale_id, low, high, check.text(entry, "name", where), tuple(levels)
        )
    return scales


def _items(
    check: _Checker, data: dict, key: str, kind: str, scales: dict[str, Scale], seen: dict
) -> tuple[Item, ...]:
    items = []
    for where, entry in check.entries(data, key):
        item_id = check.ident(entry, where, seen)
        scale_id = entry.get("scale")
        scale = scales.get(scale_id)
        if scale is None:
            check.fail(where, f"unknown scale {scale_id!r} (known: {', '.join(scales) or 'none'})")
            continue
        items.append(
            Item(
                id=item_id,
                kind=kind,
                scale=scale,
                name=check.text(entry, "name", where),
                description=check.text(entry, "description", where),
                status=check.text(entry, "status", where),
                source=check.text(entry, "source", where),
                resources=_resources(check, entry, where),
                ideas=_ideas(check, entry, where),
                levels=_item_levels(check, entry, where, scale),
            )
        )
    return tuple(items)


def _item_levels(check: _Checker, entry: dict, where: str, scale: Scale) -> tuple[Text, ...]:
    """The optional `levels` of an item: one text per level of its scale, in order."""
    listed = _listed(check, entry, "levels", where)
    if listed and len(listed) != len(scale.values):
        check.fail(
            where,
            f"'levels' must have one entry per level of scale '{scale.id}' "
            f"({len(scale.values)}), got {len(listed)}",
        )
    out = []
    for lwhere, value in listed:
        if not isinstance(value, dict):
            check.fail(lwhere, f"must be a table with {', '.join(LANGUAGES)}")
            continue
        for lang in LANGUAGES:
            if not isinstance(value.get(lang), str) or not value[lang].strip():
                check.fail(lwhere, f"missing or empty '{lang}'")
        out.append({lang: str(value.get(lang, "")).strip() for lang in LANGUAGES})
    return tuple(out)


def _listed(check: _Checker, entry: dict, key: str, where: str) -> list[tuple[str, object]]:
    """The entries of an optional list `key` of an item, each with where it is."""
    value = entry.get(key, [])
    if not isinstance(value, list):
        check.fail(where, f"'{key}' must be a list, got {type(value).__name__}")
        return []
    return [(f"{where} {key}[{i}]", v) for i, v in enumerate(value)]


def _resources(check: _Checker, entry: dict, where: str) -> tuple[Resource, ...]:
    out = []
    for rwhere, value in _listed(check, entry, "resources", where):
        if not isinstance(value, dict):
            check.fail(rwhere, "must be a table with 'title' and 'url'")
            continue
        url = check.string(value, "url", rwhere)
        if url and not _URL.match(url):
            check.fail(rwhere, f"'url' must be an http:// or https:// address, got {url!r}")
        out.append(Resource(check.text(value, "title", rwhere), url))
    return tuple(out)


def _ideas(check: _Checker, entry: dict, where: str) -> tuple[Text, ...]:
    out = []
    for iwhere, value in _listed(check, entry, "ideas", where):
        if not isinstance(value, dict):
            check.fail(iwhere, f"must be a table with {', '.join(LANGUAGES)}")
            continue
        for lang in LANGUAGES:
            if not isinstance(value.get(lang), str) or not value[lang].strip():
                check.fail(iwhere, f"missing or empty '{lang}'")
        out.append({lang: str(value.get(lang, "")).strip() for lang in LANGUAGES})
    return tuple(out)


def parse(content: str, path: Path | str = "<string>") -> Framework:
    """Parse and validate framework TOML text; raise FrameworkError listing every problem."""
    try:
        data = tomllib.loads(content)
    except tomllib.TOMLDecodeError as exc:
        raise FrameworkError(path, [f"not valid TOML: {exc}"]) from exc
    check = _Checker()
    meta = data.get("framework")
    if not isinstance(meta, dict):
        check.fail("[framework]", "missing table")
        meta = {}
    version = meta.get("version")
    if not isinstance(version, str) or not version.strip():
        check.fail("[framework]", "'version' must be a non-empty string such as \"2026.1\"")
    scales = _scales(check, data)
    seen_items: dict[str, str] = {}
    themes = _items(check, data, "themes", "theme", scales, seen_items)
    competencies = _items(check, data, "competencies", "competency", scales, seen_items)
    roles = []
    for where, entry in check.entries(data, "roles"):
        roles.append(
            Role(
                id=check.ident(entry, where, seen_items),
                name=check.text(entry, "name", where),
                description=check.text(entry, "description", where),
                status=check.text(entry, "status", where),
                source=check.text(entry, "source", where),
            )
        )
    questions = []
    seen_questions: dict[str, str] = {}
    for where, entry in check.entries(data, "questions"):
        lens = entry.get("lens")
        if lens not in LENSES:
            check.fail(where, f"'lens' must be one of {', '.join(LENSES)}, got {lens!r}")
        questions.append(
            Question(
                id=check.ident(entry, where, seen_questions),
                lens=str(lens),
                text=check.text(entry, "text", where),
                status=check.text(entry, "status", where),
                source=check.text(entry, "source", where),
            )
        )
    framework_id = check.string(meta, "id", "[framework]")
    name = check.text(meta, "name", "[framework]")
    note = check.text(meta, "note", "[framework]")
    source = check.text(meta, "source", "[framework]")
    if check.problems:
        raise FrameworkError(path, check.problems)
    return Framework(
        id=framework_id,
        version=str(version).strip(),
        name=name,
        note=note,
        source=source,
        source_url=check.string(meta, "source_url", "[framework]", required=False),
        scales=tuple(scales.values()),
        themes=themes,
        competencies=competencies,
        roles=tuple(roles),
        questions=tuple(questions),
        content=content,
        path=str(path),
    )


def framework_path() -> Path:
    """The framework file in use: DTMATURITY_FRAMEWORK, or data/framework.toml."""
    return settings.current().framework or DEFAULT_PATH


def load(path: Path | str | None = None) -> Framework:
    """Read and validate a framework file (default: framework_path())."""
    file = Path(path) if path else framework_path()
    try:
        content = file.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise FrameworkError(file, ["file not found"]) from exc
    except UnicodeDecodeError as exc:
        raise FrameworkError(file, [f"not UTF-8 text: {exc}"]) from exc
    return parse(content, file)
