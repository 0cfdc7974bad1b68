import numpy as np
import pytest

from pomochi.sim.networks import build_partners
from pomochi.sim.scenario import Network


def edges(p):
    n, k = p.partners.shape
    return {(i, int(j)) for i in range(n) for j in p.partners[i] if j >= 0}


@pytest.mark.parametrize(
    "network",
    [
        Network(kind="pairs"),
        Network(kind="groups", size=4),
        Network(kind="ring", size=4),
        Network(kind="random", size=4),
        Network(kind="modular", size=4, modules=3, bridge_share=0.2),
    ],
)
def test_ties_are_symmetric_and_the_reverse_slot_points_back(network):
    p = build_partners(network, 30, np.random.default_rng(1))
    found = edges(p)
    assert found and all((j, i) in found for i, j in found)
    assert all(i != j for i, j in found)
    for i in range(30):
        for s, j in enumerate(p.partners[i]):
            if j >= 0:
                assert p.partners[j, p.reverse[i, s]] == i


def test_pairs_are_neighbours_two_by_two():
    p = build_partners(Network(kind="pairs"), 6, np.random.default_rng(0))
    assert p.partners[:, 0].tolist() == [1, 0, 3, 2, 5, 4]


def test_groups_join_everyone_in_a_group_and_nobody_else():
    p = build_partners(Network(kind="groups", size=3), 9, np.random.default_rng(0))
    degree = (p.partners >= 0).sum(axis=1)
    assert degree.tolist() == [2] * 9
    groups = {frozenset([i, *p.partners[i].tolist()]) for i in range(9)}
    assert len(groups) == 3 and all(len(g) == 3 for g in groups)


def test_a_ring_reaches_half_its_size_each_way():
    p = build_partners(Network(kind="ring", size=4), 10, np.random.default_rng(0))
    assert sorted(p.partners[0].tolist()) == [1, 2, 8, 9]


def test_a_modular_network_keeps_most_ties_inside_clusters():
    n = 2000
    p = build_partners(
        Network(kind="modular", size=4, modules=4, bridge_share=0.1), n, np.random.default_rng(2)
    )
    module = np.arange(n) * 4 // n
    i, s = np.nonzero(p.partners >= 0)
    inside = module[i] == module[p.partners[i, s]]
    assert 0.75 < inside.mean() < 0.95


def test_a_million_households_are_joined_quickly():
    p = build_partners(Network(kind="random", size=4), 1_000_000, np.random.default_rng(0))
    assert p.partners.shape[0] == 1_000_000
    assert (p.partners >= 0).sum(axis=1).mean() == pytest.approx(4, abs=0.01)
