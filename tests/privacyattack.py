"""An attacker who sees every shown cell of every page and level, working with linear algebra:
what of the small groups can they work out?"""

from __future__ import annotations

import numpy as np

K = 3


def published(parents, groups, hidden):
    """Every shown cell as the set of units whose own answers it sums."""
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

    cells = []
    for unit in parents:
        for below in (True, False):
            members = subtree(unit) if below else {unit}
            n = sum(groups.get(u, (0, 0))[0] for u in members)
            if n > 0 and (unit, below) not in hidden:
                cells.append(members)
    return cells


def disclosed(parents, groups, hidden, k=K):
    """What an attacker who sees every shown cell can work out that reveals a small group:
    the small groups whose sum is in the span of the shown cells, and every finest combination
    (a set of units no shown cell tells apart) holding 1..k-1 answers of others."""
    units = sorted(u for u, (n, _) in groups.items() if n > 0)
    cells = published(parents, groups, hidden)
    if not cells:
        return []
    matrix = np.array([[1.0 if u in cell else 0.0 for u in units] for cell in cells])
    rank = np.linalg.matrix_rank(matrix)
    found = []
    for i, unit in enumerate(units):
        n, own = groups[unit]
        if n < k and own < n:
            probe = np.vstack([matrix, np.eye(len(units))[i]])
            if np.linalg.matrix_rank(probe) == rank:
                found.append(("group", unit))
    classes: dict = {}
    for i, unit in enumerate(units):
        pattern = tuple(matrix[:, i])
        if any(pattern):
            classes.setdefault(pattern, []).append(unit)
    for members in classes.values():
        n = sum(groups[u][0] for u in members)
        own = sum(groups[u][1] for u in members)
        if 0 < n < k and own < n:
            found.append(("combination", tuple(members)))
    return found
