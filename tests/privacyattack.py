"""An attacker who sees every shown cell of every page and level open to them, working with
linear algebra: what of the small groups can they work out?

Groups are per unit: (answers, of which the attacker knows, of which the attacker gave), as
privacy.Counts; a group of two numbers (answers, the attacker's own) is read as both known and
own. `seen` limits the cells to those the attacker can see (None: every cell)."""

from __future__ import annotations

import numpy as np

from dtmaturity.domain.privacy import visible

K = 3


def _counts(group) -> tuple[int, int, int]:
    if len(group) == 2:
        return (group[0], group[1], group[1])
    return tuple(group)


def _subtrees(parents):
    kids: dict = {}
    for unit, parent in parents.items():
        kids.setdefault(parent, []).append(unit)

    def subtree(unit):
        out, stack = set(), [unit]
        while stack:
            current = stack.pop()
            out.add(current)
            stack.extend(kids.get(current, []))
        return out

    return subtree


def published(parents, groups, hidden, seen=None):
    """Every shown cell as the set of units whose own answers it sums."""
    subtree = _subtrees(parents)
    cells = []
    for unit in parents:
        for below in (True, False):
            if seen is not None and (unit, below) not in seen:
                continue
            members = subtree(unit) if below else {unit}
            n = sum(_counts(groups.get(u, (0, 0)))[0] for u in members)
            if n > 0 and (unit, below) not in hidden:
                cells.append(members)
    return cells


def _small(counts, k) -> bool:
    n, known, own = counts
    return n > 0 and not visible(n, known, own, k)


def disclosed(parents, groups, hidden, k=K, seen=None):
    """What an attacker who sees every shown cell can work out that reveals a small group:
    the small groups whose sum is in the span of the shown cells, and every finest combination
    (a set of units no shown cell tells apart) that is small for the attacker."""
    groups = {u: _counts(g) for u, g in groups.items()}
    units = sorted(u for u, c in groups.items() if c[0] > 0)
    cells = published(parents, groups, hidden, seen)
    if not cells:
        return []
    matrix = np.array([[1.0 if u in cell else 0.0 for u in units] for cell in cells])
    rank = np.linalg.matrix_rank(matrix)
    found = []
    for i, unit in enumerate(units):
        if _small(groups[unit], k):
            probe = np.vstack([matrix, np.eye(len(units))[i]])
            if np.linalg.matrix_rank(probe) == rank:
                found.append(("group", unit))
    classes: dict = {}
    for i, unit in enumerate(units):
        pattern = tuple(matrix[:, i])
        if any(pattern):
            classes.setdefault(pattern, []).append(unit)
    for members in classes.values():
        total = tuple(sum(groups[u][j] for u in members) for j in range(3))
        if _small(total, k):
            found.append(("combination", tuple(members)))
    return found


def unnecessary(parents, groups, hidden, k=K, seen=None):
    """The cells hidden to protect another (PROTECT) that protect nothing: shown alone, with
    everything else as decided, the attacker still recovers nobody. A leaf's two cells are one
    group, so they are shown together."""
    from dtmaturity.domain.privacy import PROTECT

    kids = {p for p in parents.values() if p is not None}
    found = []
    for cell, why in hidden.items():
        if why != PROTECT:
            continue
        unit = cell[0]
        same = {(unit, True), (unit, False)} if unit not in kids else {cell}
        trial = {c: w for c, w in hidden.items() if c not in same}
        if not disclosed(parents, groups, trial, k, seen):
            found.append(cell)
    return found


def disclosed_across(versions, hidden, k=K, seen_of=lambda parents: None):
    """The attacker who saw every version of a column (privacy.Version) with its hidden cells:
    what small group (an old group of fewer than k, or the respondents a re-release changed,
    fewer than k) or finest combination of them can they work out?

    Variables: each unit's answers in the first version (`x`), and the change each later
    version made at each unit (`d`). A cell of version i sums, over its members in that
    version's tree, x and every change up to i."""
    first = versions[0]
    units = sorted(set().union(*(set(v.parents) for v in versions)))
    variables = [("x", u, 0) for u in units if _counts(first.groups.get(u, (0, 0)))[0] > 0]
    for i, version in enumerate(versions[1:], start=1):
        variables += [("d", u, i) for u, n in sorted(version.changed.items()) if n > 0]
    index = {v: i for i, v in enumerate(variables)}
    size = {}
    for kind, unit, i in variables:
        if kind == "x":
            size[(kind, unit, i)] = _counts(first.groups[unit])
        else:
            size[(kind, unit, i)] = (versions[i].changed[unit], 0, 0)
    rows = []
    for i, (version, hide) in enumerate(zip(versions, hidden, strict=True)):
        seen = seen_of(version.parents)
        subtree = _subtrees(version.parents)
        for unit in version.parents:
            for below in (True, False):
                if (unit, below) in hide or (seen is not None and (unit, below) not in seen):
                    continue
                members = subtree(unit) if below else {unit}
                row = np.zeros(len(variables))
                for v, j in index.items():
                    kind, u, at = v
                    if u in members and (kind == "x" or at <= i):
                        row[j] = 1.0
                if row.any() and sum(_counts(version.groups.get(u, (0, 0)))[0] for u in members):
                    rows.append(row)
    if not rows:
        return []
    matrix = np.array(rows)
    rank = np.linalg.matrix_rank(matrix)
    found = []
    for v, j in index.items():
        if _small(size[v], k):
            probe = np.vstack([matrix, np.eye(len(variables))[j]])
            if np.linalg.matrix_rank(probe) == rank:
                found.append(("group", v))
    classes: dict = {}
    for v, j in index.items():
        pattern = tuple(matrix[:, j])
        if any(pattern):
            classes.setdefault(pattern, []).append(v)
    for members in classes.values():
        total = tuple(sum(size[v][t] for v in members) for t in range(3))
        if _small(total, k):
            found.append(("combination", tuple(members)))
    return found
