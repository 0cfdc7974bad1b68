"""Who can ask whom: partner networks as a padded array of partner indices.

partners[i] lists household i's partners, -1 where it has fewer than the widest; ties are
symmetric (if j is i's partner, i is j's), and reverse[i, s] is i's slot in the list of its
partner partners[i, s], so help on a tie strengthens it at both ends in one step.
Built from edge lists with numpy, so a million households take a fraction of a second.
"""

from dataclasses import dataclass

import numpy as np

from pomochi.sim.scenario import Network


@dataclass(frozen=True)
class Partners:
    partners: np.ndarray  # (n, k) int32, -1 for no partner
    reverse: np.ndarray  # (n, k) int32, -1 for no partner

    @property
    def width(self) -> int:
        return self.partners.shape[1]


def build_partners(network: Network, n: int, rng: np.random.Generator) -> Partners:
    """The partner network for n households as the scenario names it."""
    if network.kind == "pairs" and n % 2 == 0:
        # 0–1, 2–3, …: each is the other's only partner (what _from_edges would build, at once)
        partners = (np.arange(n, dtype=np.int32) ^ 1).reshape(n, 1)
        return Partners(partners=partners, reverse=np.zeros((n, 1), dtype=np.int32))
    u, v = _EDGES[network.kind](network, n, rng)
    return _from_edges(u, v, n)


def _pairs(network, n, rng):
    first = np.arange(0, n - 1, 2)
    return first, first + 1


def _groups(network, n, rng):
    # Households in a random order, cut into consecutive groups; everyone in a group is partner
    # of everyone else in it (the last group may be smaller).
    order = rng.permutation(n)
    g = network.size
    us, vs = [], []
    for a in range(g):
        for b in range(a + 1, g):
            left = order[a::g]
            right = order[b::g]
            m = min(left.size, right.size)
            us.append(left[:m])
            vs.append(right[:m])
    return np.concatenate(us), np.concatenate(vs)


def _ring(network, n, rng):
    # size partners: size // 2 neighbours on each side (an odd size is rounded down, min 1).
    i = np.arange(n)
    offsets = range(1, max(1, network.size // 2) + 1)
    return (np.concatenate([i for _ in offsets]), np.concatenate([(i + o) % n for o in offsets]))


def _random(network, n, rng):
    # Each round joins the households in one random cycle: two partners each per round.
    us, vs = [], []
    for _ in range(max(1, network.size // 2)):
        cycle = rng.permutation(n)
        us.append(cycle)
        vs.append(np.roll(cycle, -1))
    return np.concatenate(us), np.concatenate(vs)


def _modular(network, n, rng):
    # Clusters of consecutive households; each round a random cycle inside every cluster, and
    # each of its links, with probability bridge_share, rewired to a household anywhere.
    modules = min(network.modules, n)
    module = np.arange(n) * modules // n
    us, vs = [], []
    for _ in range(max(1, network.size // 2)):
        order = np.lexsort((rng.random(n), module))
        following = np.roll(order, -1)
        # close each cluster's cycle on its own first member, not the next cluster's
        starts = np.flatnonzero(np.r_[True, module[order][1:] != module[order][:-1]])
        ends = np.r_[starts[1:], n] - 1
        following[ends] = order[starts]
        bridge = rng.random(n) < network.bridge_share
        following[bridge] = rng.integers(0, n, int(bridge.sum()))
        us.append(order)
        vs.append(following)
    return np.concatenate(us), np.concatenate(vs)


_EDGES = {
    "pairs": _pairs,
    "groups": _groups,
    "ring": _ring,
    "random": _random,
    "modular": _modular,
}


def _from_edges(u: np.ndarray, v: np.ndarray, n: int) -> Partners:
    u = np.asarray(u, dtype=np.int64)
    v = np.asarray(v, dtype=np.int64)
    keep = u != v
    src = np.concatenate([u[keep], v[keep]])
    dst = np.concatenate([v[keep], u[keep]])
    keys = np.sort(src * n + dst)  # np.unique hashes: far slower than a sort on millions
    if keys.size:
        keys = keys[np.r_[True, keys[1:] != keys[:-1]]]
    src, dst = keys // n, keys % n
    degree = np.bincount(src, minlength=n)
    width = max(1, int(degree.max()) if degree.size else 1)
    first = np.concatenate([[0], np.cumsum(degree)[:-1]])
    slot = np.arange(keys.size) - first[src]
    partners = np.full((n, width), -1, dtype=np.int32)
    partners[src, slot] = dst
    # The reverse edge (dst, src) is in keys too. The set of keys is symmetric, so the k-th
    # smallest reversed key is the k-th smallest key: one argsort finds every reverse edge.
    back = np.empty(keys.size, dtype=np.int64)
    back[np.argsort(dst * n + src, kind="stable")] = np.arange(keys.size)
    reverse = np.full((n, width), -1, dtype=np.int32)
    reverse[src, slot] = slot[back]
    return Partners(partners=partners, reverse=reverse)
