//! The fast heuristic: greedy, then vertex substitution (Teitz–Bart, with Whitaker's fast interchange), and a
//! proven bound from submodularity.

use super::floors::Floors;
use super::instance::Instance;
use super::state::State;

/// Most interchange passes; each strictly improves, so this only guards against float cycling.
const MAX_PASSES: usize = 10_000;

/// A set of chosen sites with its value f and the best proven upper bound on f over every feasible choice.
#[derive(Debug, Clone)]
pub(super) struct Found {
    /// Chosen free candidates (not in account order).
    pub chosen: Vec<usize>,
    /// f(fixed ∪ chosen).
    pub value: f64,
    /// An upper bound on f over every choice of k free candidates.
    pub bound: f64,
}

/// Tolerance below which a change in value is no change.
pub(super) fn tolerance(value: f64) -> f64 {
    1e-12 * value.abs().max(1.0)
}

/// Sum of the `k` largest of `gains` (all of them when fewer).
fn top_sum(gains: &mut [f64], k: usize) -> f64 {
    if k == 0 {
        return 0.0;
    }
    if gains.len() > k {
        gains.select_nth_unstable_by(k - 1, |a, b| b.total_cmp(a));
    }
    gains.iter().take(k).sum()
}

/// f(S) + Σ of the k largest gains w.r.t. S over free candidates: a bound on f over every choice of k free
/// sites, since f(OPT) ≤ f(S ∪ OPT) ≤ f(S) + Σ_{j∈OPT} gainⱼ(S) (Nemhauser, Wolsey & Fisher 1978).
fn submodular_bound(instance: &Instance, state: &mut State, open: &[bool]) -> f64 {
    let mut gains: Vec<f64> = (0..instance.candidates())
        .filter(|&j| !open[j])
        .map(|j| state.gain(instance, j))
        .collect();
    state.total() + top_sum(&mut gains, instance.k)
}

/// Greedy: k times, open the free candidate that adds most (ties: the lower position), keeping floors reachable
/// (once the floors need every remaining pick, only candidates that meet one are taken). The bound is the least
/// [`submodular_bound`] over the greedy's prefixes.
pub(super) fn greedy(instance: &Instance) -> Found {
    greedy_from(instance, None)
}

/// Greedy as [`greedy`], but with `first` (a free candidate) opened first when given.
fn greedy_from(instance: &Instance, first: Option<usize>) -> Found {
    let mut best = State::fixed(instance);
    let mut floors = Floors::fixed(instance);
    let mut open = instance.fixed.clone();
    let mut chosen = Vec::with_capacity(instance.k);
    let mut bound = f64::INFINITY;
    for step in 0..instance.k {
        let restrict = floors.any() && floors.missing() == instance.k - step;
        let mut gains = Vec::with_capacity(instance.candidates());
        let mut pick: Option<(f64, usize)> = None;
        for j in (0..instance.candidates()).filter(|&j| !open[j]) {
            let gain = best.gain(instance, j);
            gains.push(gain);
            if (!restrict || floors.helps(instance, j)) && pick.is_none_or(|(g, _)| gain > g) {
                pick = Some((gain, j));
            }
        }
        if step == 0
            && let Some(j) = first.filter(|&j| !open[j] && (!restrict || floors.helps(instance, j)))
        {
            pick = Some((best.gain(instance, j), j));
        }
        bound = bound.min(best.total() + top_sum(&mut gains, instance.k));
        let Some((_, j)) = pick else { break };
        best.open(instance, j);
        floors.open(instance, j);
        open[j] = true;
        chosen.push(j);
    }
    bound = bound.min(submodular_bound(instance, &mut best, &open));
    let value = best.total();
    Found {
        chosen,
        value,
        bound: bound.max(value),
    }
}

/// Improves `found` by swapping one chosen site for one unchosen free candidate while a swap adds value (the best
/// swap each pass), keeping every floor met.
pub(super) fn interchange(instance: &Instance, found: Found) -> Found {
    if instance.is_capacitated() {
        exact_interchange(instance, found)
    } else {
        fast_interchange(instance, found)
    }
}

/// [`interchange`] without capacities, by Whitaker's fast interchange: every swap's value from each demand
/// point's best and second-best open sites.
fn fast_interchange(instance: &Instance, mut found: Found) -> Found {
    let n = instance.weights.len();
    let mut swapping = Swapping::new(instance, &found);
    let mut corr = vec![0.0; instance.candidates()];
    let mut touched: Vec<usize> = Vec::new();
    for _ in 0..MAX_PASSES {
        // Per demand point: the best and second-best value over open sites, and which site gives the best.
        let (mut b1, mut b2, mut site) = (vec![0.0; n], vec![0.0; n], vec![usize::MAX; n]);
        for i in 0..n {
            for at in instance.row_starts[i]..instance.row_starts[i + 1] {
                let (j, v) = (instance.row_site[at] as usize, instance.row_value[at]);
                if !swapping.open[j] {
                    continue;
                }
                if v > b1[i] {
                    (b2[i], b1[i], site[i]) = (b1[i], v, j);
                } else if v > b2[i] {
                    b2[i] = v;
                }
            }
        }
        let mut loss = vec![0.0; instance.candidates()];
        for i in 0..n {
            if site[i] != usize::MAX {
                loss[site[i]] += b1[i] - b2[i];
            }
        }
        let value: f64 = b1.iter().sum();
        let mut best_swap: Option<(f64, usize, usize)> = None;
        let threshold = tolerance(value);
        for incoming in (0..instance.candidates()).filter(|&j| !swapping.open[j]) {
            let mut gain = 0.0;
            for (i, v) in instance.column(incoming) {
                let added = (v - b1[i]).max(0.0);
                gain += added;
                let s = site[i];
                if s != usize::MAX && !instance.fixed[s] {
                    if corr[s] == 0.0 {
                        touched.push(s);
                    }
                    corr[s] += (v - b2[i]).max(0.0) - added;
                }
            }
            for &outgoing in &found.chosen {
                let allowed = swapping.allowed(instance, outgoing, incoming);
                let delta = gain - loss[outgoing] + corr[outgoing];
                if allowed && delta > threshold && best_swap.is_none_or(|(d, _, _)| delta > d) {
                    best_swap = Some((delta, outgoing, incoming));
                }
            }
            for s in touched.drain(..) {
                corr[s] = 0.0;
            }
        }
        let Some((_, outgoing, incoming)) = best_swap else {
            break;
        };
        swapping.swap(instance, &mut found, outgoing, incoming);
    }
    finish(instance, found, &swapping.open)
}

/// The open sites while swapping, and how many lie in each area, for the floors.
struct Swapping {
    open: Vec<bool>,
    open_in_area: Vec<usize>,
}

impl Swapping {
    fn new(instance: &Instance, found: &Found) -> Self {
        let mut open = instance.fixed.clone();
        for &j in &found.chosen {
            open[j] = true;
        }
        let mut open_in_area = vec![0usize; instance.floors.len()];
        for (j, area) in instance.area_of.iter().enumerate() {
            if let (true, Some(a)) = (open[j], *area) {
                open_in_area[a] += 1;
            }
        }
        Self { open, open_in_area }
    }

    /// Whether swapping `outgoing` for `incoming` keeps every floor met.
    fn allowed(&self, instance: &Instance, outgoing: usize, incoming: usize) -> bool {
        match instance.area_of[outgoing] {
            Some(a) => {
                self.open_in_area[a] > instance.floors[a] || instance.area_of[incoming] == Some(a)
            }
            None => true,
        }
    }

    /// Closes `outgoing` and opens `incoming` in its place in `found`.
    fn swap(&mut self, instance: &Instance, found: &mut Found, outgoing: usize, incoming: usize) {
        self.open[outgoing] = false;
        self.open[incoming] = true;
        if let Some(a) = instance.area_of[outgoing] {
            self.open_in_area[a] -= 1;
        }
        if let Some(a) = instance.area_of[incoming] {
            self.open_in_area[a] += 1;
        }
        for j in found.chosen.iter_mut() {
            if *j == outgoing {
                *j = incoming;
            }
        }
    }
}

/// `found` with its value recomputed and its bound tightened by the submodular bound at its set.
fn finish(instance: &Instance, mut found: Found, open: &[bool]) -> Found {
    let mut best = State::with_chosen(instance, &found.chosen);
    found.value = best.total();
    found.bound = found
        .bound
        .min(submodular_bound(instance, &mut best, open))
        .max(found.value);
    found
}

/// [`interchange`] with capacities: each swap's value from the optimal assignment without the outgoing site plus
/// the incoming site's gain to it (exact, as the flow is re-optimised for each); ties: the earlier pair.
fn exact_interchange(instance: &Instance, mut found: Found) -> Found {
    let mut swapping = Swapping::new(instance, &found);
    for _ in 0..MAX_PASSES {
        let value = State::with_chosen(instance, &found.chosen).total();
        let threshold = tolerance(value);
        let mut best_swap: Option<(f64, usize, usize)> = None;
        for (at, &outgoing) in found.chosen.iter().enumerate() {
            let rest: Vec<usize> = found
                .chosen
                .iter()
                .enumerate()
                .filter(|&(other, _)| other != at)
                .map(|(_, &j)| j)
                .collect();
            let mut without = State::with_chosen(instance, &rest);
            let base = without.total();
            for incoming in (0..instance.candidates()).filter(|&j| !swapping.open[j]) {
                let allowed = swapping.allowed(instance, outgoing, incoming);
                if !allowed {
                    continue;
                }
                let delta = base + without.gain(instance, incoming) - value;
                if delta > threshold && best_swap.is_none_or(|(d, _, _)| delta > d) {
                    best_swap = Some((delta, outgoing, incoming));
                }
            }
        }
        let Some((_, outgoing, incoming)) = best_swap else {
            break;
        };
        swapping.swap(instance, &mut found, outgoing, incoming);
    }
    finish(instance, found, &swapping.open)
}

/// Greedy starts besides the plain greedy's: each of the free candidates with the largest first gains, forced
/// first. Single swaps can stall where the greedy's first pick is wrong; a few other starts escape most such traps.
pub(super) const RESTARTS: usize = 8;
/// Free candidates above which only one extra start is tried, so the heuristic stays fast at national size.
pub(super) const RESTARTS_MAX_CANDIDATES: usize = 500;

/// The best of [`interchange`] from the plain greedy and from [`RESTARTS`] greedy starts (one above
/// [`RESTARTS_MAX_CANDIDATES`] free candidates) that force one of the free candidates with the largest first gains
/// (after the plain greedy's own first pick); the bound is the least of theirs (each is a bound on every choice).
/// Deterministic: ties keep the earlier start.
pub(super) fn multistart(instance: &Instance) -> Found {
    let mut found = interchange(instance, greedy(instance));
    let mut fixed = State::fixed(instance);
    let mut firsts: Vec<(f64, usize)> = (0..instance.candidates())
        .filter(|&j| !instance.fixed[j])
        .map(|j| (fixed.gain(instance, j), j))
        .collect();
    firsts.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let restarts = if firsts.len() > RESTARTS_MAX_CANDIDATES {
        1
    } else {
        RESTARTS
    };
    for &(_, first) in firsts.iter().skip(1).take(restarts) {
        let other = interchange(instance, greedy_from(instance, Some(first)));
        let bound = found.bound.min(other.bound);
        if other.value > found.value + tolerance(found.value) {
            found = other;
        }
        found.bound = bound.max(found.value);
    }
    found
}
