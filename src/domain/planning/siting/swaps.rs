//! Vertex substitution with capacities: each swap's value from the optimal assignment without the outgoing site
//! plus the incoming site's gain to it (exact, as the flow is re-optimised for each).

use super::heuristic::{Found, MAX_PASSES, finish, tolerance};
use super::instance::Instance;
use super::state::State;

/// Swaps one chosen site for one unchosen free candidate while a swap adds more than the tolerance (the best
/// swap each pass; ties: the earlier pair), keeping every floor met.
pub(super) fn interchange(instance: &Instance, mut found: Found) -> Found {
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
            for incoming in (0..instance.candidates()).filter(|&j| !open[j]) {
                let allowed = match instance.area_of[outgoing] {
                    Some(a) => {
                        open_in_area[a] > instance.floors[a]
                            || instance.area_of[incoming] == Some(a)
                    }
                    None => true,
                };
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
        open[outgoing] = false;
        open[incoming] = true;
        if let Some(a) = instance.area_of[outgoing] {
            open_in_area[a] -= 1;
        }
        if let Some(a) = instance.area_of[incoming] {
            open_in_area[a] += 1;
        }
        for j in found.chosen.iter_mut() {
            if *j == outgoing {
                *j = incoming;
            }
        }
    }
    finish(instance, found, &open)
}
