"""Privacy: which figures may be shown, as one rule for scores, targets, role picks and
reflections. Plain Python; the store aggregates the counts it needs (dtmaturity/store/privacy.py)
and the services apply the decision to every page.

What a viewer can see is modelled as one tree of groups per quarter and measure (an item's
scores, an item's targets for one target quarter, the check-ins behind role picks or
reflections). Each unit has two cells: the unit with every unit below it (`below=True`: the
unit page, the overview rows, the comparison lines, role picks "with units below",
reflections) and the unit's own leaders only (`below=False`: the overview's "own leaders" row,
role picks without units below). For a unit without units below both are the same group.

- Every answer behind a figure counts, registered leader or not. What a viewer put in
  themselves is known to them: their own answers and the rows of files they imported never
  count towards k *for that viewer* (they count for everyone else); the viewer counts as one
  person where they answered. A cell is hidden, reason `FEW`, unless it holds at least k
  answers by that count (`min_respondents`, default 3; `min_reflections`, default 5, for free
  text) or only answers the viewer knows. So importing made-up respondents lifts no group over
  k for the person who imported them.
- The decision is made over what the viewer can see (`seen`: every cell of every page and
  level their roles open to them, `access.seen_cells`), not over the widest view: a figure is
  never hidden to protect one the viewer cannot see.
- Differencing across the viewer's cells: what a viewer can work out from every shown cell is
  exactly, for each shown cell, its answers minus those of the shown cells directly inside it
  (its "residual"). Each residual must hold no answers at all, or be one the viewer may be
  shown. Where one is not, the smallest complement is hidden too (fewest answers; reason
  `PROTECT`): a cell inside the shown one whose hiding adds enough answers to the residual,
  the smallest sibling before the parent. A cell whose own answers are all covered by shown
  cells inside it gives no protection when hidden (it is their sum), so the complement then
  reaches down to one that does. A shown cell is never hidden for the sake of a group inside
  it, and every cell hidden to protect another is necessary: shown alone, it would give a
  small group away (tests/domain/test_privacy_rule.py checks exactly this).

The decision is made per (unit tree, quarter, measure, the cells the viewer sees) from the
counts alone, so every page shows the viewer the same cells hidden.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from dtmaturity.domain import access, settings
from dtmaturity.domain.access import EVERY_UNIT, Grant

MIN_RESPONDENTS_ENV = settings.MIN_RESPONDENTS
MIN_REFLECTIONS_ENV = settings.MIN_REFLECTIONS
DEFAULT_MIN_RESPONDENTS = settings.DEFAULT_MIN_RESPONDENTS
DEFAULT_MIN_REFLECTIONS = settings.DEFAULT_MIN_REFLECTIONS


class PrivacySettingError(ValueError):
    """A threshold setting is not a whole number of at least 1."""


@dataclass(frozen=True)
class Thresholds:
    min_respondents: int = DEFAULT_MIN_RESPONDENTS
    min_reflections: int = DEFAULT_MIN_REFLECTIONS


def thresholds() -> Thresholds:
    """The thresholds in force: DTMATURITY_MIN_RESPONDENTS and DTMATURITY_MIN_REFLECTIONS."""
    current = settings.current().usable(
        MIN_RESPONDENTS_ENV, MIN_REFLECTIONS_ENV, error=PrivacySettingError
    )
    return Thresholds(current.min_respondents, current.min_reflections)


def visible(n: int, known: int, own: int, k: int) -> bool:
    """May a figure from `n` answers be shown to a viewer who knows `known` of them (answers
    they gave or rows of files they imported) and gave `own` of them?

    What a viewer put in themselves tells them nothing, so it never counts towards k for them:
    only the answers they do not know count, and the viewer as one person where they answered
    (a group of k leaders is shown to each of its members; two of your own answers and one
    other person's are not). A figure made only of what the viewer knows is always shown."""
    if n <= 0:
        return False
    return known >= n or n - known + (1 if own > 0 else 0) >= k


FEW = "few"  # fewer than k answers
PROTECT = "protect"  # hidden so that a smaller group cannot be worked out by subtraction

REASON_KEYS = {FEW: "hidden_few", PROTECT: "hidden_protect"}  # the words for each, in i18n


def reason_key(reason: object) -> str:
    """The i18n key that says in words why a figure is hidden (too few answers unless known
    to be hidden to protect another group)."""
    return REASON_KEYS.get(reason if isinstance(reason, str) else FEW, REASON_KEYS[FEW])


Cell = tuple[str, bool]  # (unit_id, below): with every unit below it, or its own leaders only
# (answers, of which the viewer knows (gave or imported), of which the viewer gave)
Counts = tuple[int, int, int]
NONE: Counts = (0, 0, 0)
UNSEEN = "unseen"  # a cell the viewer cannot see on any page: not shown, nothing to decide


def _add(a: Counts, b: Counts) -> Counts:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


def _shows(counts: Counts, k: int) -> bool:
    return visible(counts[0], counts[1], counts[2], k)


def _safe(residual: Counts, k: int) -> bool:
    """Can the viewer be left to work out this group? Only when it holds no answers at all
    (answers the viewer knows are answers too), or it may be shown."""
    return residual[0] == 0 or _shows(residual, k)


def _protects(gain: Counts, k: int) -> bool:
    """Does uncovering `gain` make any residual safe on its own (k answers the viewer does not
    know, counting the viewer once)?"""
    return gain[0] > gain[1] and _shows(gain, k)


def _collapse_unseen(
    parents: Mapping[str, str | None], groups: Mapping[str, Counts], seen: Collection[Cell]
) -> tuple[dict[str, str | None], dict[str, Counts]]:
    """The tree with every subtree the viewer sees no cell of folded into its top unit, which
    holds the subtree's answers: nothing in it is shown, so only its sum can reach a residual,
    and the rule then runs over the viewer's part of a national tree, not the whole of it."""
    seen_units = {unit for unit, _ in seen}
    keep: set[str] = set()
    for unit in seen_units:
        for ancestor in access.ancestors_and_self(unit, parents):
            if ancestor in keep:
                break
            keep.add(ancestor)
    folded_parents: dict[str, str | None] = {}
    top_of: dict[str, str] = {}
    for unit in parents:
        if unit in keep:
            folded_parents[unit] = parents[unit]
            continue
        chain = access.ancestors_and_self(unit, parents)
        top = next(
            (
                u
                for u, up in zip(chain, [*chain[1:], None], strict=True)
                if up is None or up in keep
            ),
            chain[-1],
        )
        top_of[unit] = top
        if top == unit:
            folded_parents[unit] = parents[unit]
    folded: dict[str, Counts] = {}
    for unit, counts in groups.items():
        target = top_of.get(unit, unit)
        folded[target] = _add(folded.get(target, NONE), tuple(counts))  # type: ignore[arg-type]
    return folded_parents, folded


def knowledge_matters(known: Mapping[str, int]) -> bool:
    """Can what the viewer knows change a column's decision? Whenever they know an answer in
    it: known answers never count towards k for them. Columns where they know none are
    decided once for every viewer who sees the same cells."""
    return any(n > 0 for n in known.values())


def hide(
    parents: Mapping[str, str | None],
    groups: Mapping[str, Counts],
    k: int,
    seen: Collection[Cell] | None = None,
    forced: Collection[Cell] = (),
) -> dict[Cell, str]:
    """The hidden cells of one tree column (one quarter and measure) and why (FEW or PROTECT).

    `parents` maps every unit to its parent (None at the top; a parent that is not in
    `parents` counts as none); `groups` maps a unit to the counts of the answers given at the
    unit itself. `seen` is every cell the viewer can see on some page (None: every cell): the
    others are never shown to them, so they protect nothing and need no protection, and no
    cell is hidden for their sake. `forced` cells are hidden whatever their counts (PROTECT:
    a figure shown in an earlier release of the quarter that must not be compared with this
    one, `hide_across`), and the rule protects around them. Cells with no answers, and
    cells not seen, are never listed.
    """
    if seen is not None:
        parents, groups = _collapse_unseen(parents, groups, seen)
    active: set[str] = set()
    for unit, counts in groups.items():
        current: str | None = unit
        walked: set[str] = set()
        while counts[0] > 0 and current in parents and current not in active:
            if current in walked:
                break
            active.add(current)
            walked.add(current)
            current = parents.get(current)
    children: dict[str | None, list[str]] = {}
    for unit in sorted(active):
        parent = parents.get(unit)
        children.setdefault(parent if parent in active else None, []).append(unit)

    hidden: dict[Cell, str] = {}
    size: dict[Cell, Counts] = {}  # the answers in each cell
    # For a hidden cell: its answers not covered by shown cells inside it. For a shown cell:
    # what hiding it would add to the residual of the shown cell around it.
    residual: dict[Cell, Counts] = {}
    inner: dict[Cell, list[Cell]] = {}  # the cells directly inside a unit's below-cell

    def judge(cell: Cell) -> None:
        if seen is not None and cell not in seen:
            hidden[cell] = UNSEEN
        elif not _shows(size[cell], k):
            hidden[cell] = FEW
        elif cell in forced:
            hidden[cell] = PROTECT

    def may_hide(cell: Cell) -> bool:
        """A shown cell with answers that is not the viewer's own leader group (a group the
        viewer belongs to is never hidden from them to protect another: the cell around it
        is hidden instead)."""
        if cell in hidden or size[cell][0] == 0:
            return False
        unit, below = cell
        own_group = not below or unit not in children
        return not (own_group and groups.get(unit, NONE)[2] > 0)

    def chain(cell: Cell) -> tuple[int, list[Cell]] | None:
        """The cheapest set of shown cells, `cell` first, whose hiding uncovers enough answers
        to protect any residual: (answers hidden, cells)."""
        if _protects(residual[cell], k):
            return size[cell][0], [cell]
        options = [chain(c) for c in inner.get(cell, []) if may_hide(c)]
        found = [o for o in options if o is not None]
        if not found:
            return None
        cost, cells = min(found, key=lambda o: (o[0], len(o[1]), o[1]))
        return size[cell][0] + cost, [cell, *cells]

    order: list[str] = []
    stack = [(unit, False) for unit in reversed(children.get(None, []))]
    while stack:
        unit, done = stack.pop()
        if done:
            order.append(unit)
            continue
        stack.append((unit, True))
        stack.extend((c, False) for c in reversed(children.get(unit, [])))

    for unit in order:
        own = tuple(groups.get(unit, NONE))
        below, alone = (unit, True), (unit, False)
        kids = children.get(unit, [])
        if not kids:  # both cells are the same group: seen when either is
            one_seen = seen is None or below in seen or alone in seen
            for cell in (below, alone):
                size[cell] = residual[cell] = own  # type: ignore[assignment]
                if not one_seen:
                    hidden[cell] = UNSEEN
                elif not _shows(own, k):  # type: ignore[arg-type]
                    hidden[cell] = FEW
                elif below in forced or alone in forced:
                    hidden[cell] = PROTECT
            continue
        cells = [(c, True) for c in kids]
        if own[0] > 0:
            size[alone] = residual[alone] = own  # type: ignore[assignment]
            judge(alone)
            cells.insert(0, alone)
        inner[below] = cells
        total: Counts = own  # type: ignore[assignment]
        uncovered: Counts = NONE
        for cell in cells:
            if cell != alone:
                total = _add(total, size[cell])
            if cell in hidden:
                uncovered = _add(uncovered, residual[cell])
        size[below] = total
        judge(below)
        if below not in hidden and not _safe(uncovered, k):
            options = [chain(c) for c in cells if may_hide(c)]
            found = [o for o in options if o is not None]
            if found:
                _, extra = min(found, key=lambda o: (o[0], len(o[1]), o[1]))
                gain = residual[extra[-1]]
                for cell in extra:
                    hidden[cell] = PROTECT
                    residual[cell] = gain
                    if cell[0] not in children:  # a unit without units below: one group
                        hidden[(cell[0], False)] = PROTECT
                uncovered = _add(uncovered, gain)
            else:  # nothing inside can protect the small group: hide the cell itself
                hidden[below] = PROTECT
        residual[below] = uncovered

    # What each cell's hiding would add to the residual around it, with the cells hidden now.
    left: dict[Cell, Counts] = {}
    for unit in order:
        own = tuple(groups.get(unit, NONE))
        below = (unit, True)
        left[(unit, False)] = own  # type: ignore[assignment]
        if below not in inner:
            left[below] = own  # type: ignore[assignment]
            continue
        uncovered = NONE
        for cell in inner[below]:
            if cell in hidden:
                uncovered = _add(uncovered, left[cell])
        left[below] = uncovered

    def exposes(unit: str, trial: Mapping[Cell, str]) -> dict[Cell, Counts] | None:
        """Would a shown cell's residual give a small group away with the cells of `unit`
        shown again? Only the cells above it change: None when one would, else their new
        residuals."""
        changed: dict[Cell, Counts] = {}
        current: str | None = unit
        while current is not None:
            below = (current, True)
            if below in inner:
                uncovered = NONE
                for cell in inner[below]:
                    if cell in trial:
                        uncovered = _add(uncovered, changed.get(cell, left[cell]))
                changed[below] = uncovered
                if below not in trial and not _safe(uncovered, k):
                    return None
            parent = parents.get(current)
            current = parent if parent in active else None
        return changed

    # The greedy choice bottom-up can make a complement chosen earlier needless once a cell
    # above it is hidden too: show again every one that is not needed, the earliest first.
    for cell in [c for c, why in hidden.items() if why == PROTECT]:
        twins = {cell} if cell[0] in children else {(cell[0], True), (cell[0], False)}
        if any(hidden.get(twin) != PROTECT or twin in forced for twin in twins):
            continue
        trial = {c: why for c, why in hidden.items() if c not in twins}
        changed = exposes(cell[0], trial)
        if changed is not None:
            hidden = trial
            left.update(changed)
    return {cell: why for cell, why in hidden.items() if why != UNSEEN}


def seen_cells(
    grants: Iterable[Grant], parents: Mapping[str, str | None]
) -> frozenset[Cell] | None:
    """Every cell a person can see on some page, page, download, report or export alike (None:
    every cell, for an admin or a manager of every unit).

    A unit whose dashboard they may view shows both its cells (the unit page, its role picks
    with and without units below, the overview's rows of its children where they manage it)
    and its comparison lines: its parent and its top unit, each with every unit below."""
    grants = tuple(grants)
    if any(g.role == "admin" or (g.unit_id == EVERY_UNIT and g.role == "manager") for g in grants):
        return None
    cells: set[Cell] = set()
    for unit in parents:
        if not access.may_view_dashboard(grants, unit, parents):
            continue
        cells.update(((unit, True), (unit, False)))
        chain = access.ancestors_and_self(unit, parents)
        cells.add((chain[-1], True))
        if len(chain) > 1:
            cells.add((chain[1], True))
    return frozenset(cells)


@dataclass(frozen=True)
class Version:
    """One version of a quarter's column as it was released (or is now): the tree, the counts
    at each unit, and how many respondents' answers at each unit changed since the version
    before (late check-ins and imports published by a re-release; nothing for the first)."""

    parents: Mapping[str, str | None]
    groups: Mapping[str, Counts]
    changed: Mapping[str, int]


def _chain(unit: str, parents: Mapping[str, str | None]) -> list[str]:
    return access.ancestors_and_self(unit, parents) if unit in parents else []


def _moved(before: Version, now: Version) -> set[Cell]:
    """Cells whose members differ between two versions (a unit moved, added or removed):
    comparing them would tell the moved group's answers, which may be what kept a small group
    hidden in the earlier version."""
    moved: set[Cell] = set()
    for unit in set(before.parents) | set(now.parents):
        old, new = _chain(unit, before.parents), _chain(unit, now.parents)
        if old != new:
            moved |= {(ancestor, True) for ancestor in set(old) ^ set(new)}
    return moved


def _cells(version: Version) -> set[Cell]:
    return {(unit, below) for unit in version.parents for below in (True, False)}


def hide_across(
    versions: Sequence[Version],
    k: int,
    seen_of: Callable[[Mapping[str, str | None]], Collection[Cell] | None],
) -> dict[Cell, str]:
    """The hidden cells of the last version of a column, when the earlier versions were shown
    too (a quarter re-released, or units moved after it was released).

    The viewer may have seen every version, so: a cell hidden in (or not seen in) an earlier
    version stays hidden, and so does a cell whose members changed (a unit moved): what is
    shown now is what was shown then plus the changes; and the changes since each earlier version (the respondents whose
    answers a re-release published) are decided as a column of their own over the cells still
    shown, hiding any change of fewer than k respondents that the shown cells give away, until
    nothing more needs hiding."""
    decided: list[dict[Cell, str]] = []
    for i, version in enumerate(versions):
        seen = seen_of(version.parents)
        if i == 0:
            decided.append(hide(version.parents, version.groups, k, seen))
            continue
        # Nothing is shown now that an earlier version did not show with the same members.
        forced: set[Cell] = set()
        for before, was_hidden in zip(versions[:i], decided, strict=True):
            was_seen = seen_of(before.parents)
            forced |= {c for c in _cells(version) if c in was_hidden}
            if was_seen is not None:
                forced |= _cells(version) - set(was_seen)
            forced |= _moved(before, version)
        changes = []
        for j in range(i):
            since: dict[str, int] = {}
            for later in versions[j + 1 : i + 1]:
                for unit, n in later.changed.items():
                    since[unit] = since.get(unit, 0) + n
            if any(since.values()):
                changes.append({u: (n, 0, 0) for u, n in since.items() if n > 0})
        while True:
            hidden = hide(version.parents, version.groups, k, seen, forced)
            shown = {c for c in _cells(version) if c not in hidden}
            if seen is not None:
                shown &= set(seen)
            extra: set[Cell] = set()
            for change in changes:
                extra |= set(hide(version.parents, change, k, shown))
            if extra <= forced:
                break
            forced |= extra
        decided.append(hidden)
    return decided[-1]
