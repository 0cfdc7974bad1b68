"""One run of one policy: households, seasons, shocks and transfers as numpy arrays.

Each season, in this order: growth, harvest, idiosyncratic shocks, village-wide shocks,
rounding to whole units and the cap; repayments and transfers under the policy; then the
households still short of their need count a season below, eat what they have, and those
below for `fail_after` seasons leave the village (their stock goes with them).

Everything is float32 and updated in place. Households that left are dropped from the arrays
once enough have gone, so every season's work — random numbers included — is done for the
households still there; the policies of one run start from the same households and network
(the same seed), but their draws part ways as soon as different households leave. Transfers
work on the few households that ask, not on the whole village, and a series nobody asked for
is not computed (the Gini sorts every household, every season).
"""

from dataclasses import dataclass

import numpy as np

from pomochi import fairshare, measures
from pomochi.sim.networks import Partners, build_partners
from pomochi.sim.scenario import Scenario

SERIES = ("survival", "unmet", "gini", "transfers", "trust", "breadth", "density", "met")
TRUST_SERIES = ("trust", "breadth", "density", "met")
F32 = np.float32
NEVER = -(10**6)


@dataclass
class Households:
    """What a run starts from; a drill or a test may build it instead of the scenario."""

    stock: np.ndarray  # float32, per household
    need: np.ndarray  # float32, per household per season
    sizes: np.ndarray  # int64, people per household
    priorities: np.ndarray | None = None  # int64, for the priority_tiers rule


def households_for(scenario: Scenario, rng: np.random.Generator) -> Households:
    """Households as the scenario describes them: sizes drawn from its list, need = threshold ×
    size, start stock = start × size (log-normally spread when start_spread > 0)."""
    n = scenario.households
    sizes = np.asarray(scenario.sizes, dtype=np.int64)[rng.integers(0, len(scenario.sizes), n)]
    need = (scenario.threshold * sizes).astype(F32)
    stock = (scenario.start * sizes).astype(F32)
    if scenario.start_spread:
        s = scenario.start_spread
        stock *= rng.lognormal(-s * s / 2, s, n).astype(F32)  # mean 1: the village's total kept
    if scenario.whole_units:
        np.rint(stock, out=stock)
    return Households(stock=stock, need=need, sizes=sizes)


def run(
    scenario: Scenario,
    policy: str,
    seed: int | np.random.SeedSequence,
    *,
    households: Households | None = None,
    trust: bool = True,
    series: tuple[str, ...] = SERIES,
) -> dict[str, np.ndarray]:
    """One run of one policy: a dict of per-season series, each `seasons` long.

    series names the ones wanted (all of SERIES by default); the others are neither computed
    nor returned, and the run is the same whatever is asked. trust=False skips the tie
    bookkeeping (the trust series are then NaN): the benchmark's like-for-like comparison with
    a model that has none.
    """
    unknown = [name for name in series if name not in SERIES]
    if unknown:
        raise ValueError(f"unknown series {', '.join(unknown)}; the series are {', '.join(SERIES)}")
    # SFC64: a statistically sound generator, and the fastest numpy has for normals
    rng = np.random.Generator(np.random.SFC64(seed))
    people = households or households_for(scenario, rng)
    partners = build_partners(scenario.network, people.stock.size, rng)
    state = _State(scenario, policy, people, partners, trust, series=series)
    out = {name: np.full(scenario.seasons, np.nan) for name in SERIES if name in series}
    for t in range(1, scenario.seasons + 1):
        state.season(t, rng, out)
    return out


def normals(rng: np.random.Generator, n: int, buffer: np.ndarray) -> np.ndarray:
    """n standard normal float32 numbers by Box–Muller (buffer, n + 1 long, takes the uniforms).

    Twice as fast here as numpy's ziggurat (measured: 69 µs against 109 µs for 14,000), and
    the growth of every herd every season is most of a run's time. From float32 uniforms the
    tails stop at 5.8 sd, which no herd's growth will miss.
    """
    half = (n + 1) // 2
    u = buffer[: 2 * half]
    rng.random(2 * half, dtype=F32, out=u)
    radius, angle = u[:half], u[half:]
    np.subtract(1, radius, out=radius)  # (0, 1]: log never sees 0
    np.log(radius, out=radius)
    radius *= -2
    np.sqrt(radius, out=radius)
    angle *= F32(2 * np.pi)
    z = np.empty(2 * half, dtype=F32)
    np.cos(angle, out=z[:half])
    np.sin(angle, out=z[half:])
    z[:half] *= radius
    z[half:] *= radius
    return z[:n]


def bernoulli_positions(rng: np.random.Generator, n: int, p: float) -> np.ndarray:
    """The positions among n that a chance p hits, each independently: the gaps between hits
    of a Bernoulli process are geometric, so about n·p numbers are drawn rather than n."""
    if p >= 1:
        return np.arange(n)
    expected = n * p
    positions = np.cumsum(rng.geometric(p, int(expected + 6 * expected**0.5) + 16)) - 1
    while positions[-1] < n:  # rarely: more hits than six standard deviations above
        more = np.cumsum(rng.geometric(p, int(expected) + 16)) + positions[-1]
        positions = np.concatenate([positions, more])
    return positions[: np.searchsorted(positions, n)]


class _State:
    def __init__(
        self,
        sc: Scenario,
        policy: str,
        people: Households,
        p: Partners,
        trust: bool,
        *,
        series: tuple[str, ...] = SERIES,
    ):
        self.sc = sc
        self.policy = policy
        self.n = n = people.stock.size  # at the start: survival is a share of these
        self.ids = np.arange(n)  # each household's index at the start, as rows are dropped
        self.stock = people.stock.astype(F32, copy=True)
        self.need = people.need.astype(F32, copy=False)
        self.sizes = people.sizes
        self.priorities = people.priorities
        self.alive = np.ones(n, dtype=bool)
        self.below = np.zeros(n, dtype=np.int16)
        self.partners = p.partners
        self.reverse = p.reverse
        # One partner each: nobody is asked by two households at once (ties are symmetric).
        self.one_partner = p.partners.shape[1] == 1
        # some have fewer partners than the widest, or lost one (-1)
        self.gaps = bool((p.partners < 0).any())
        self.draws = np.empty(n + 1, dtype=F32)  # this season's random numbers, drawn in place
        self.pool = 0.0
        self.gone = 0  # households that left since their rows were last dropped
        self.owed = np.zeros(p.partners.shape, dtype=F32) if policy == "account_keeping" else None
        # Ties change nothing in the run: they are kept only for a trust series someone reads.
        self.track_trust = (
            trust and policy != "none" and any(name in series for name in TRUST_SERIES)
        )
        if self.track_trust:
            self.ties = np.zeros(p.partners.shape, dtype=F32)
            self.last_gave = np.full(n, NEVER, dtype=np.int32)
            self.last_received = np.full(n, NEVER, dtype=np.int32)
        self.shock_losses = {}
        for shock in sc.village_shocks:
            for t in range(shock.season, shock.season + shock.seasons):
                stock_loss, harvest_loss = self.shock_losses.get(t, (0.0, 0.0))
                self.shock_losses[t] = (
                    1 - (1 - stock_loss) * (1 - shock.stock_loss),
                    1 - (1 - harvest_loss) * (1 - shock.harvest_loss),
                )

    # -- one season ---------------------------------------------------------------------------

    def season(self, t: int, rng: np.random.Generator, out: dict) -> None:
        """One season; fills the series named by the keys of `out` at index t − 1."""
        sc, stock = self.sc, self.stock
        n = stock.size
        stock_loss, harvest_loss = self.shock_losses.get(t, (0.0, 0.0))
        if sc.growth.mean or sc.growth.sd:
            z = normals(rng, n, self.draws)
            z *= sc.growth.sd
            z += 1 + sc.growth.mean
            stock *= z
        if sc.harvest.mean:
            z = normals(rng, n, self.draws)
            z *= sc.harvest.sd
            z += sc.harvest.mean
            np.maximum(z, 0, out=z)
            z *= self.need * F32(1 - harvest_loss)
            stock += z
        if sc.shocks.probability:
            hit = bernoulli_positions(rng, n, sc.shocks.probability)
            size = hit.size if sc.shocks.draw == "per_household" else 1
            loss = rng.normal(sc.shocks.mean, sc.shocks.sd, size).astype(F32)
            loss.clip(0, 1, out=loss)
            stock[hit] *= 1 - loss
        if stock_loss:
            stock *= F32(1 - stock_loss)
        if sc.whole_units:
            np.rint(stock, out=stock)
        if sc.harvest.mean:
            # Only a harvest brings anything to a household that left; growth and losses
            # multiply the 0 it left with.
            stock[~self.alive] = 0
        if sc.cap is not None:
            stock.clip(0, sc.cap, out=stock)
        else:
            np.maximum(stock, 0, out=stock)

        if self.track_trust:
            self.ties *= F32(1 - sc.trust.decay)
        asked = met = 0.0
        transfers = 0
        if self.policy in ("need_based", "account_keeping"):
            asked, met, transfers = self._partners_help(t, rng)
        elif self.policy == "pool":
            asked, met, transfers = self._pool_share(t)

        alive, need = self.alive, self.need
        # Short: still lacking something (need − stock > 0 exactly when stock < need).
        short = alive & (stock < need)
        if "unmet" in out:
            lacking = np.where(alive, need - stock, 0)
            np.maximum(lacking, 0, out=lacking)
            living_need = float(need[alive].sum(dtype=np.float64))
            if living_need:  # an empty village needs nothing: NaN, not 0
                out["unmet"][t - 1] = float(lacking.sum(dtype=np.float64)) / living_need
        if sc.short_below < 1:
            short &= stock < need * F32(sc.short_below)
        if sc.consumption:
            stock -= np.minimum(stock, need * F32(sc.consumption))
        if sc.fail_counting == "cumulative":
            self.below += short
        else:
            self.below = np.where(short, self.below + 1, 0).astype(np.int16)
        left = (alive & (self.below >= sc.fail_after)).nonzero()[0]
        alive[left] = False
        stock[left] = 0
        if self.owed is not None:
            self.owed[left] = 0
        if "survival" in out:
            out["survival"][t - 1] = np.count_nonzero(alive) / self.n
        if "gini" in out:
            out["gini"][t - 1] = measures.gini(stock[alive]) if alive.any() else np.nan
        if "transfers" in out:
            out["transfers"][t - 1] = transfers
        self._trust(t, asked, met, out)
        self.gone += left.size
        if self.gone * 4 >= alive.size:  # a quarter of the rows are households that left
            self._drop_the_departed()

    def _drop_the_departed(self) -> None:
        """Keep only the rows of households still in the village; a partner who left becomes
        -1 (no partner), and a debt to one is void."""
        rows = self.alive.nonzero()[0]
        new_index = np.full(self.alive.size + 1, -1, dtype=np.int32)  # [-1] stays -1
        new_index[rows] = np.arange(rows.size, dtype=np.int32)
        partners = new_index[self.partners[rows]]
        gone = partners < 0
        self.partners = partners
        self.reverse = self.reverse[rows]
        self.reverse[gone] = -1
        if self.owed is not None:
            self.owed = self.owed[rows]
            self.owed[gone] = 0
        for name in ("stock", "need", "sizes", "priorities", "below", "ids"):
            value = getattr(self, name)
            if value is not None:
                setattr(self, name, value[rows])
        if self.track_trust:
            self.ties = self.ties[rows]
            self.last_gave = self.last_gave[rows]
            self.last_received = self.last_received[rows]
        self.alive = np.ones(rows.size, dtype=bool)
        self.draws = np.empty(rows.size + 1, dtype=F32)
        self.gaps = True
        self.gone = 0

    # -- policies -------------------------------------------------------------------------------

    def _partners_help(self, t: int, rng: np.random.Generator) -> tuple[float, float, int]:
        """Need-based (osotua) or account-keeping help between partners, slot by slot.

        A household short of its need asks its partners in turn for what it still lacks; a
        partner gives from what it holds above its own need. When several ask one partner at
        once, it splits what it can spare in proportion to what they asked.
        """
        sc, stock, need, alive = self.sc, self.stock, self.need, self.alive
        keeping = self.owed is not None
        if keeping:
            self._repay()
        asked = met = 0.0
        if self.track_trust:  # only the trust index reads what was asked and met
            everyone = np.where(alive, need - stock, 0)
            np.maximum(everyone, 0, out=everyone)
            asked = float(everyone.sum(dtype=np.float64))
        # The few who ask, and what each still lacks, rather than arrays over everyone.
        askers = (alive & (stock < need)).nonzero()[0]
        lacking = need[askers] - stock[askers]
        transfers = 0
        width = self.partners.shape[1]
        slots = range(width) if width == 1 else rng.permutation(width)
        for i, s in enumerate(slots):
            if not askers.size:
                break
            givers = self.partners[askers, s].astype(np.intp)  # int32 indexes slowly
            spare = stock[givers] - need[givers]
            able = alive[givers] & (spare > 0)
            if self.gaps:  # no partner in this slot (-1, read as the last household): none
                able &= givers >= 0
            if keeping:
                willing = self.owed[askers, s] < sc.account_keeping.debt_limit
                if self.track_trust:
                    refused = able & ~willing
                    self._weaken(askers[refused], givers[refused], s)
                able &= willing
            pick = able.nonzero()[0]
            if not pick.size:
                continue
            givers, request = givers[pick], lacking[pick]
            gift = request * np.minimum(1, spare[pick] / self._asked_of(givers, request))
            gift = gift.astype(F32)
            if sc.whole_units:
                np.floor(gift, out=gift)
            given = gift > 0
            if not given.all():
                pick, givers, gift = pick[given], givers[given], gift[given]
            takers = askers[pick]
            stock[takers] += gift
            self._move(givers, gift, sign=-1)
            if keeping:
                self.owed[takers, s] += gift
            transfers += takers.size
            if self.track_trust:
                met += float(gift.sum(dtype=np.float64))
                self._strengthen(takers, givers, s, t)
            if i == width - 1:
                break  # nobody left to ask: what is still lacking is not needed
            lacking[pick] -= gift
            still = lacking > 0
            askers, lacking = askers[still], lacking[still]
        return asked, met, transfers

    def _asked_of(self, givers: np.ndarray, request: np.ndarray) -> np.ndarray:
        """What each giver's askers ask of it in all, summed in float64 in the askers' order."""
        if self.one_partner:
            return request.astype(np.float64)  # nobody is asked twice
        return np.bincount(givers, weights=request)[givers]

    def _move(self, households: np.ndarray, amounts: np.ndarray, *, sign: int) -> None:
        """Add (sign 1) or take (sign −1) each household's amounts, one household maybe listed
        several times: summed in float64 in the order given, then once to its float32 stock.
        (bincount beats sorting the few listed, even over a million households.)"""
        if self.one_partner:
            totals = amounts  # nobody listed twice
        else:
            totals = np.bincount(households, weights=amounts)[households].astype(F32)
        # a household listed twice is assigned the same result twice: once in effect
        if sign > 0:
            self.stock[households] += totals
        else:
            self.stock[households] -= totals

    def _repay(self) -> None:
        """Account-keeping: a herd repays a partner in full once its surplus covers the debt."""
        stock, need, owed = self.stock, self.need, self.owed
        for s in range(owed.shape[1]):
            debtors = np.flatnonzero(owed[:, s] > 0)
            if not debtors.size:
                continue
            creditors = self.partners[debtors, s].astype(np.intp)
            gone = ~self.alive[creditors]
            owed[debtors[gone], s] = 0  # a debt to a household that left is not paid
            debtors, creditors = debtors[~gone], creditors[~gone]
            debt = owed[debtors, s]
            pays = stock[debtors] - need[debtors] >= debt
            debtors, creditors, debt = debtors[pays], creditors[pays], debt[pays]
            stock[debtors] -= debt
            self._move(creditors, debt, sign=1)
            owed[debtors, s] = 0

    def _pool_share(self, t: int) -> tuple[float, float, int]:
        """The communal pool: a share of every surplus goes in; those short ask for what they
        lack and the pool is shared by the bylaws' rule (fairshare, the platform's own)."""
        sc, stock, need, alive = self.sc, self.stock, self.need, self.alive
        scale = 1 if sc.whole_units else 1000  # fairshare shares whole units: milli-needs
        spare = np.where(alive, stock - need, 0)
        np.maximum(spare, 0, out=spare)
        put = np.floor(spare * F32(sc.pool.contribution * scale)) / F32(scale)
        stock -= put
        self.pool += float(put.sum(dtype=np.float64))
        lacking = np.where(alive, need - stock, 0)
        askers = np.flatnonzero(lacking > 0)
        asked_units = np.ceil(lacking[askers].astype(np.float64) * scale).astype(np.int64)
        asked = float(lacking[askers].sum(dtype=np.float64))
        shares = np.zeros(0, dtype=np.int64)
        if askers.size and self.pool > 0:
            priorities = None
            if sc.pool.rule == "priority_tiers":
                # the hungriest first: below half their need, then the rest
                priorities = (stock[askers] < need[askers] / 2).astype(np.int64)
                if self.priorities is not None:
                    priorities = priorities + 2 * self.priorities[askers]
            allocation = fairshare.allocate(
                sc.pool.rule,
                asked_units,
                int(self.pool * scale),
                sizes=self.sizes[askers],
                priorities=priorities,
                ids=self.ids[askers],
            )
            shares = allocation.shares
            got = (shares / scale).astype(F32)
            stock[askers] += got
            self.pool = max(0.0, self.pool - float(shares.sum()) / scale)
        met = min(asked, float(shares.sum()) / scale)
        if self.track_trust:
            self.last_gave[put > 0] = t
            self.last_received[askers[shares > 0]] = t
        return asked, met, int(np.count_nonzero(shares))

    # -- trust --------------------------------------------------------------------------------

    def _strengthen(self, askers, givers, s, t) -> None:
        gain = F32(self.sc.trust.gain)
        back = self.reverse[askers, s]
        self.ties[askers, s] += gain * (1 - self.ties[askers, s])
        self.ties[givers, back] += gain * (1 - self.ties[givers, back])
        self.last_received[askers] = t
        self.last_gave[givers] = t

    def _weaken(self, askers, givers, s) -> None:
        keep = F32(1 - self.sc.trust.loss)
        back = self.reverse[askers, s]
        self.ties[askers, s] *= keep
        self.ties[givers, back] *= keep

    def _trust(self, t: int, asked: float, met: float, out: dict) -> None:
        if not self.track_trust:
            if self.policy == "none":  # nobody asks, nobody gives: reciprocity is nil
                for name in ("breadth", "trust"):
                    if name in out:
                        out[name][t - 1] = 0.0
            return
        alive, window = self.alive, self.sc.trust.window
        recent = t - window
        gave = self.last_gave[alive] > recent
        received = self.last_received[alive] > recent
        breadth = measures.reciprocity_breadth(gave, received) if alive.any() else np.nan
        density = np.nan
        if self.policy != "pool":  # the pool has no ties between households
            p = self.partners
            live = (p >= 0) & alive[:, None] & alive[np.maximum(p, 0)]
            strong = live & (self.ties >= self.sc.trust.tie_threshold)
            density = measures.helping_density(
                int(np.count_nonzero(strong)), int(np.count_nonzero(live))
            )
        met_share = measures.requests_met(asked, min(met, asked))
        index = measures.trust_index(breadth=breadth, density=density, met=met_share)
        found = {"breadth": breadth, "density": density, "met": met_share, "trust": index.value}
        for name, value in found.items():
            if name in out:
                out[name][t - 1] = value
