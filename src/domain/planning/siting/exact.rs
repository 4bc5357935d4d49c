//! The exact solver: depth-first branch and bound over the free candidates, with the submodular bound
//! f(S) + Σ of the r largest gains (r picks left) at every node, started from the heuristic's answer.

use super::floors::Floors;
use super::heuristic::{Found, tolerance};
use super::instance::Instance;
use super::state::State;

/// What the search found: the best choice, whether the search finished (so it is proven optimal), and the nodes
/// visited.
#[derive(Debug, Clone)]
pub(super) struct Searched {
    pub found: Found,
    pub complete: bool,
    pub nodes: u64,
}

struct Search<'a> {
    instance: &'a Instance,
    best: State,
    floors: Floors,
    chosen: Vec<usize>,
    incumbent: Found,
    nodes: u64,
    node_limit: u64,
    aborted: bool,
}

/// Proves `start` optimal or finds a better choice, visiting at most `node_limit` nodes (then `complete` is
/// false and the bound is `start`'s).
pub(super) fn branch_and_bound(instance: &Instance, start: Found, node_limit: u64) -> Searched {
    let mut search = Search {
        instance,
        best: State::fixed(instance),
        floors: Floors::fixed(instance),
        chosen: Vec::with_capacity(instance.k),
        incumbent: start,
        nodes: 0,
        node_limit,
        aborted: false,
    };
    if search.incumbent.bound - search.incumbent.value > tolerance(search.incumbent.value) {
        let free = instance.free();
        search.node(&free);
    }
    let complete = !search.aborted;
    let mut found = search.incumbent;
    if complete {
        found.bound = found.value;
    }
    Searched {
        found,
        complete,
        nodes: search.nodes,
    }
}

impl Search<'_> {
    /// Explores every choice that adds candidates from `allowed` to `self.chosen`.
    fn node(&mut self, allowed: &[usize]) {
        self.nodes += 1;
        if self.nodes > self.node_limit {
            self.aborted = true;
            return;
        }
        let picks = self.instance.k - self.chosen.len();
        if allowed.len() < picks {
            return;
        }
        let mut gains: Vec<(f64, usize)> = Vec::with_capacity(allowed.len());
        for &j in allowed {
            gains.push((self.best.gain(self.instance, j), j));
        }
        gains.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        // Child t takes gains[t] and may then add only gains[t+1..]; its bound is the r gains from t on, so
        // the bounds fall with t and the first one too small ends the loop.
        let mut window: f64 = gains[..picks].iter().map(|g| g.0).sum();
        let mut available = if self.floors.any() {
            self.floors.count(self.instance, gains.iter().map(|g| g.1))
        } else {
            Vec::new()
        };
        for t in 0..=gains.len() - picks {
            if t > 0 {
                window += gains[t + picks - 1].0 - gains[t - 1].0;
            }
            let (gain, j) = gains[t];
            if self.best.total() + window <= self.incumbent.value + tolerance(self.incumbent.value)
            {
                break;
            }
            if let Some(a) = self.instance.area_of[j]
                && self.floors.any()
            {
                available[a] -= 1;
            }
            let helped = self.floors.open(self.instance, j);
            if !self.floors.any() || self.floors.reachable(picks - 1, &available) {
                if picks == 1 {
                    // The best feasible child of a last pick is the leaf itself.
                    let value = self.best.total() + gain;
                    if value > self.incumbent.value + tolerance(self.incumbent.value) {
                        let mut chosen = self.chosen.clone();
                        chosen.push(j);
                        self.incumbent.chosen = chosen;
                        self.incumbent.value = value;
                    }
                    self.floors.close(self.instance, j, helped);
                    break;
                } else {
                    let mark = self.best.mark();
                    self.best.open(self.instance, j);
                    self.chosen.push(j);
                    let rest: Vec<usize> = gains[t + 1..].iter().map(|g| g.1).collect();
                    self.node(&rest);
                    self.chosen.pop();
                    self.best.restore(mark);
                }
            }
            self.floors.close(self.instance, j, helped);
            if self.aborted {
                return;
            }
        }
    }
}
