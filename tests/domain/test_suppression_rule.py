"""The suppression rule on its own: examples, and random trees attacked with linear algebra."""

from __future__ import annotations

import random

from privacyattack import K, disclosed

from dtmaturity.domain.privacy import FEW, PROTECT, own_answers_matter, suppress


def test_a_small_group_is_hidden_for_too_few_answers():
    hidden = suppress({"p": None, "a": "p", "b": "p"}, {"a": (5, 0), "b": (2, 0)}, K)
    assert hidden[("b", True)] == FEW
    # P (7) is shown, so A alone beside B would give B away: A is hidden to protect B.
    assert hidden[("a", True)] == PROTECT and ("p", True) not in hidden


def test_the_complement_is_the_smallest_sibling_that_protects_and_says_why():
    parents = {"p": None, "a": "p", "b": "p", "c": "p"}
    hidden = suppress(parents, {"a": (9, 0), "b": (4, 0), "c": (2, 0)}, K)
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
    hidden = suppress(parents, groups, K)
    assert hidden[("p", False)] == FEW
    assert ("x", True) not in hidden and ("p", True) not in hidden
    assert disclosed(parents, groups, hidden) == []
    # The cheapest complement: the division and its smallest section (22 answers), not X (30).
    assert hidden[("div", True)] == PROTECT and hidden[("s1", True)] == PROTECT


def test_your_own_answers_alone_are_shown_to_you():
    hidden = suppress({"solo": None}, {"solo": (1, 1)}, K)
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
        hidden = suppress(parents, groups, K)
        assert disclosed(parents, groups, hidden) == [], (parents, groups, hidden)
        protected += PROTECT in hidden.values()
    assert protected > 50  # the complement rule was put to work


def test_hiding_only_the_small_groups_would_disclose_some_on_the_same_trees():
    """The attacker test can fail: hiding only the small groups discloses some of them."""
    rng = random.Random(10)
    leaks = 0
    for _ in range(100):
        parents, groups = random_tree(rng)
        only_small = {c: r for c, r in suppress(parents, groups, K).items() if r == FEW}
        leaks += bool(disclosed(parents, groups, only_small))
    assert leaks > 10


def _with_viewer(rng: random.Random, groups: dict) -> dict:
    """The same groups with some of the answers marked as one viewer's (never more than a
    unit holds)."""
    return {
        unit: (n, rng.choice([0, 0, 1, n]) if rng.random() < 0.4 else 0)
        for unit, (n, _) in groups.items()
    }


def test_a_viewer_whose_units_all_hold_others_answers_gets_the_decision_made_without_them():
    """The shortcut the dashboards take (one decision shared by such viewers) is exact."""
    rng = random.Random(16)
    shared = differs = 0
    for _ in range(1500):
        parents, groups = random_tree(rng)
        viewer = _with_viewer(rng, groups)
        counted = {unit: n for unit, (n, _) in viewer.items()}
        own = {unit: o for unit, (_, o) in viewer.items() if o}
        without = suppress(parents, {u: (n, 0) for u, n in counted.items()}, K)
        if not own_answers_matter(counted, own):
            assert suppress(parents, viewer, K) == without, (parents, viewer)
            shared += bool(own)
        else:
            differs += suppress(parents, viewer, K) != without
    assert shared > 100  # viewers with answers of their own took the shortcut
    assert differs > 100  # and where the shortcut is not taken, own answers do change things
