"""The privacy rule on its own: examples, and random trees attacked with linear algebra."""

from __future__ import annotations

import random

from privacyattack import K, disclosed, disclosed_across, unnecessary

from dtmaturity.domain import access
from dtmaturity.domain.access import Grant
from dtmaturity.domain.privacy import (
    FEW,
    PROTECT,
    Version,
    hide_across,
    knowledge_matters,
    seen_cells,
    visible,
)
from dtmaturity.domain.privacy import hide as hide_counts


def hide(parents, groups, k, seen=None):
    """The rule with groups of (answers, the viewer's own) read as known and given alike."""
    triples = {u: g if len(g) == 3 else (g[0], g[1], g[1]) for u, g in groups.items()}
    return hide_counts(parents, triples, k, seen)


def test_a_small_group_is_hidden_for_too_few_answers():
    hidden = hide({"p": None, "a": "p", "b": "p"}, {"a": (5, 0), "b": (2, 0)}, K)
    assert hidden[("b", True)] == FEW
    # P (7) is shown, so A alone beside B would give B away: A is hidden to protect B.
    assert hidden[("a", True)] == PROTECT and ("p", True) not in hidden


def test_the_complement_is_the_smallest_sibling_that_protects_and_says_why():
    parents = {"p": None, "a": "p", "b": "p", "c": "p"}
    hidden = hide(parents, {"a": (9, 0), "b": (4, 0), "c": (2, 0)}, K)
    assert hidden == {
        ("c", True): FEW,
        ("c", False): FEW,
        ("b", True): PROTECT,
        ("b", False): PROTECT,
    }


def test_a_division_whose_own_figure_is_covered_is_not_hidden_for_its_parents_small_group():
    # P's own group has 2 answers; the division of 17 is the sum of its three sections, so
    # hiding it would protect nothing. One section is hidden instead, and the division too.
    parents = {"p": None, "div": "p", "s1": "div", "s2": "div", "s3": "div", "x": "p"}
    groups = {"p": (2, 0), "s1": (5, 0), "s2": (6, 0), "s3": (6, 0), "x": (30, 0)}
    hidden = hide(parents, groups, K)
    assert hidden[("p", False)] == FEW
    assert ("x", True) not in hidden and ("p", True) not in hidden
    assert disclosed(parents, groups, hidden) == []
    # The cheapest complement: the division and its smallest section (22 answers), not X (30).
    assert hidden[("div", True)] == PROTECT and hidden[("s1", True)] == PROTECT


def test_your_own_answers_alone_are_shown_to_you():
    hidden = hide({"solo": None}, {"solo": (1, 1)}, K)
    assert hidden == {}


def random_tree(rng: random.Random):
    parents: dict = {"r": None}
    frontier = ["r"]
    for _ in range(rng.randint(1, 3)):
        nxt = []
        for unit in frontier:
            for i in range(rng.randint(0, 3)):
                child = f"{unit}.{i}"
                parents[child] = unit
                nxt.append(child)
        frontier = nxt
    groups = {}
    for unit in parents:
        n = rng.choice([0, 0, 1, 1, 2, 3, 4, 6, 10])
        own = 1 if n and rng.random() < 0.1 else 0
        if n:
            groups[unit] = (n, own)
    return parents, groups


def test_no_small_group_can_be_worked_out_from_the_shown_cells_of_random_trees():
    rng = random.Random(10)
    protected = 0
    for _ in range(400):
        parents, groups = random_tree(rng)
        hidden = hide(parents, groups, K)
        assert disclosed(parents, groups, hidden) == [], (parents, groups, hidden)
        protected += PROTECT in hidden.values()
    assert protected > 50  # the complement rule was put to work


def test_hiding_only_the_small_groups_would_disclose_some_on_the_same_trees():
    """The attacker test can fail: hiding only the small groups discloses some of them."""
    rng = random.Random(10)
    leaks = 0
    for _ in range(100):
        parents, groups = random_tree(rng)
        only_small = {c: r for c, r in hide(parents, groups, K).items() if r == FEW}
        leaks += bool(disclosed(parents, groups, only_small))
    assert leaks > 10


def test_what_the_viewer_put_in_never_counts_towards_k_for_them():
    assert visible(3, 0, 0, K) and not visible(2, 0, 0, K)
    assert visible(3, 1, 1, K)  # a leader in a group of three sees it
    assert not visible(3, 2, 2, K)  # two of your own answers and one other person's
    assert not visible(4, 2, 0, K)  # two rows you imported yourself and two others
    assert visible(2, 2, 0, K) and visible(1, 1, 1, K)  # only what you know
    assert not visible(0, 0, 0, K)


def test_imported_respondents_count_for_everyone_but_the_importer():
    """Three departments with one imported leader each (nobody registered): the manager sees
    the top unit's three answers and no department; the coordinator who imported the file
    knows every row and may see them all."""
    parents = {"top": None, "a": "top", "b": "top", "c": "top"}
    manager = hide(parents, {"a": (1, 0), "b": (1, 0), "c": (1, 0)}, K)
    assert ("top", True) not in manager
    assert all(manager[(u, True)] == FEW for u in "abc")
    importer = {u: (1, 1, 0) for u in "abc"}
    assert hide(parents, importer, K) == {}
    # Made-up respondents imported to lift a real leader's group over k lift it for nobody
    # who could use it: the importer knows them, so for them the real answer stays alone.
    lifted = hide({"u": None}, {"u": (3, 2, 0)}, K)
    assert lifted[("u", True)] == FEW


def test_a_division_is_not_hidden_for_a_group_its_manager_cannot_see():
    """The demo's shape: the top unit's own group (2) and the division's own group (2) are
    small. The division's manager sees the division's subtree and the organisation line; the
    division stays shown (the top unit's group is not in their view), and so does a section
    of three for its own leader."""
    parents = {
        "top": None,
        "div": "top",
        "kunde": "div",
        "digi": "div",
        "other": "top",
        "o1": "other",
    }
    groups = {"top": (2, 0), "div": (2, 0), "kunde": (3, 0), "digi": (15, 0), "other": (4, 0)}
    groups["o1"] = (9, 0)
    everything = hide(parents, groups, K)
    manager = seen_cells((Grant("manager", "div"),), parents)
    hidden = hide(parents, groups, K, manager)
    assert ("div", True) not in hidden
    assert disclosed(parents, groups, hidden, seen=manager) == []
    leader = seen_cells((Grant("leader", "kunde"),), parents)
    mine = dict(groups, kunde=(3, 1, 1))
    hidden = hide(parents, mine, K, leader)
    assert ("kunde", True) not in hidden
    assert disclosed(parents, mine, hidden, seen=leader) == []
    assert everything.keys() != hidden.keys()


def test_a_leader_group_of_k_is_never_hidden_from_its_members_the_parent_line_is():
    # The leader of U (3) sees U and the parent P (4): P minus U is V's single answer.
    parents = {"p": None, "u": "p", "v": "p"}
    groups = {"u": (3, 1, 1), "v": (1, 0, 0)}
    seen = seen_cells((Grant("leader", "u"),), parents)
    hidden = hide(parents, groups, K, seen)
    assert ("u", True) not in hidden and hidden[("p", True)] == PROTECT
    assert disclosed(parents, groups, hidden, seen=seen) == []


SHAPES = ("any", "deep", "shallow", "one_leader_units", "small_child", "imported", "parent_group")


def shaped_tree(rng: random.Random, shape: str):
    """A random tree of one of the shapes the rule must hold on."""
    depth = {"deep": (4, 6), "shallow": (1, 1)}.get(shape, (1, 3))
    fan = {"deep": (1, 2), "shallow": (3, 9)}.get(shape, (0, 3))
    parents: dict = {"r": None}
    frontier = ["r"]
    for _ in range(rng.randint(*depth)):
        nxt = []
        for unit in frontier:
            for i in range(rng.randint(*fan)):
                child = f"{unit}.{i}"
                parents[child] = unit
                nxt.append(child)
        frontier = nxt or frontier
    sizes = {
        "one_leader_units": [0, 1, 1, 1, 1, 2, 3],
        "small_child": [3, 4, 6, 10, 20],
    }.get(shape, [0, 0, 1, 1, 2, 3, 4, 6, 10])
    groups: dict = {}
    for unit in parents:
        n = rng.choice(sizes)
        if shape == "parent_group" and unit in parents.values():
            n = rng.choice([1, 2, 2, 3, 5])
        if n:
            groups[unit] = (n, 0, 0)
    if shape == "small_child":
        parent = rng.choice([u for u in parents if u in parents.values()] or ["r"])
        child = f"{parent}.small"
        parents[child] = parent
        groups[child] = (rng.choice([1, 2]), 0, 0)
    return parents, groups


def a_viewer(rng: random.Random, parents: dict, groups: dict, shape: str):
    """A viewer with grants in the tree, what they gave and what they imported."""
    units = list(parents)
    role = rng.choice(["admin", "manager", "manager", "leader"])
    home = rng.choice(units)
    grants: tuple[Grant, ...] = (Grant(role, "*" if role == "admin" else home),)
    if role != "admin" and rng.random() < 0.3:  # a manager of two overlapping subtrees, say
        grants += (Grant(rng.choice(["manager", "leader"]), rng.choice(units)),)
    counts = dict(groups)
    if rng.random() < 0.5 and home in counts and role != "admin":
        n, _, _ = counts[home]
        counts[home] = (n, 1, 1)  # the viewer's own check-in
    if shape == "imported" or rng.random() < 0.2:
        for unit in rng.sample(units, k=min(len(units), rng.randint(1, 3))):
            n, known, own = counts.get(unit, (0, 0, 0))
            extra = rng.randint(1, 3)
            if rng.random() < 0.5:  # rows the viewer imported
                counts[unit] = (n + extra, known + extra, own)
            else:  # rows someone else imported: unregistered respondents count too
                counts[unit] = (n + extra, known, own)
    return grants, counts


def test_no_one_is_recovered_and_nothing_is_hidden_needlessly_on_random_trees_of_every_shape():
    """For each shape and a random viewer (their scopes, their own answers, the rows they
    imported): the attacker who sees what the viewer sees recovers nobody, and every cell
    hidden to protect another is necessary (shown alone, it gives someone away)."""
    rng = random.Random(22)
    put_to_work: dict[str, int] = dict.fromkeys(SHAPES, 0)
    for shape in SHAPES:
        for _ in range(150):
            parents, groups = shaped_tree(rng, shape)
            grants, counts = a_viewer(rng, parents, groups, shape)
            seen = seen_cells(grants, parents)
            hidden = hide_counts(parents, counts, K, seen)
            case = (shape, parents, counts, grants, hidden)
            assert disclosed(parents, counts, hidden, seen=seen) == [], case
            assert unnecessary(parents, counts, hidden, seen=seen) == [], case
            put_to_work[shape] += PROTECT in hidden.values()
    assert all(n > 0 for n in put_to_work.values()), put_to_work


def test_the_viewer_who_knows_nothing_in_a_column_gets_the_shared_decision():
    """The dashboards decide a column once for every viewer with the same cells who knows no
    answer in it; one known answer anywhere can change it."""
    rng = random.Random(16)
    differs = 0
    for _ in range(600):
        parents, groups = random_tree(rng)
        known = {u: 1 for u in groups if rng.random() < 0.3}
        if not knowledge_matters(known):
            continue
        viewer = {u: (n, known.get(u, 0), known.get(u, 0)) for u, (n, _) in groups.items()}
        differs += hide(parents, viewer, K) != hide(parents, groups, K)
    assert not knowledge_matters({}) and not knowledge_matters({"a": 0})
    assert differs > 50


def a_change(rng: random.Random, version: Version) -> Version:
    """The next version of a column: late respondents or edits published at a few units, and
    sometimes a unit moved under another parent."""
    parents = dict(version.parents)
    groups = dict(version.groups)
    changed: dict[str, int] = {}
    for unit in rng.sample(sorted(parents), k=rng.randint(1, min(3, len(parents)))):
        n, known, own = groups.get(unit, (0, 0, 0))
        count = rng.choice([1, 1, 2, 3, 4])
        edits = min(n, count) if rng.random() < 0.3 else 0  # answers changed in place
        groups[unit] = (n + count - edits, known, own)
        changed[unit] = count
    if rng.random() < 0.4 and len(parents) > 2:
        unit = rng.choice([u for u, p in parents.items() if p is not None])
        below = {u for u in parents if unit in access.ancestors_and_self(u, parents)}
        targets = [u for u in parents if u not in below and u != parents[unit]]
        if targets:
            parents[unit] = rng.choice(targets)
    return Version(parents, groups, changed)


def test_nobody_is_recovered_by_comparing_releases_of_a_quarter():
    """Re-releases and moved units: an attacker who saw every version of the column, as the
    viewer saw it, recovers nobody (an old small group, or a change of fewer than k)."""
    rng = random.Random(2207)
    kept_back = 0
    for shape in SHAPES:
        for _ in range(60):
            parents, groups = shaped_tree(rng, shape)
            grants, counts = a_viewer(rng, parents, groups, shape)
            versions = [Version(parents, counts, {})]
            for _ in range(rng.randint(1, 2)):
                versions.append(a_change(rng, versions[-1]))

            def seen_of(tree, grants=grants):
                return seen_cells(grants, tree)

            hidden = [hide_across(versions[: i + 1], K, seen_of) for i in range(len(versions))]
            case = (shape, grants, versions, hidden)
            assert disclosed_across(versions, hidden, K, seen_of) == [], case
            kept_back += len(hidden[-1]) > len(hide_counts(*_last(versions), K))
    assert kept_back > 20  # comparing releases was guarded against, not only the last one


def _last(versions):
    return versions[-1].parents, versions[-1].groups


def test_comparing_releases_does_recover_someone_when_each_is_decided_alone():
    """The attack test can fail: deciding each release on its own gives changes away."""
    rng = random.Random(2207)
    leaks = 0
    for _ in range(150):
        parents, groups = shaped_tree(rng, "any")
        versions = [Version(parents, groups, {})]
        versions.append(a_change(rng, versions[0]))
        hidden = [hide_counts(v.parents, v.groups, K) for v in versions]
        leaks += bool(disclosed_across(versions, hidden, K))
    assert leaks > 20


def test_a_unit_moved_after_release_does_not_give_its_single_leader_away():
    """Issue 22: T > R > {A: 3, B: 3, C: 1}; C moves under S. The manager of R must not
    recover C from R before (7) and after (6)."""
    parents = {"t": None, "r": "t", "s": "t", "a": "r", "b": "r", "c": "r", "s1": "s"}
    groups = {"a": (3, 0, 0), "b": (3, 0, 0), "c": (1, 0, 0), "s1": (5, 0, 0)}
    moved = dict(parents, c="s")
    versions = [Version(parents, groups, {}), Version(moved, groups, {})]

    def seen_of(tree):
        return seen_cells((Grant("manager", "r"),), tree)

    hidden = [hide_across(versions[: i + 1], K, seen_of) for i in range(2)]
    assert disclosed_across(versions, hidden, K, seen_of) == []
    assert ("r", True) in hidden[1]
