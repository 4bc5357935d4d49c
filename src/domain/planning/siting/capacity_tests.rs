use super::flow::Flow;
use super::*;
use crate::domain::planning::CostMatrix;

/// A small dense instance from a cost table (rows: demand, columns: candidates), with capacities when given.
fn dense(
    costs: &[Vec<f64>],
    model: Model,
    weights: &[f64],
    fixed: &[bool],
    k: usize,
    capacity: Option<&[f64]>,
) -> Instance {
    let mut entries = Vec::new();
    for (i, row) in costs.iter().enumerate() {
        for (j, &c) in row.iter().enumerate() {
            entries.push((i, j, c));
        }
    }
    let matrix =
        CostMatrix::from_entries(costs.len(), fixed.len(), &entries, f64::INFINITY).unwrap();
    let instance = Instance::new(model, weights.to_vec(), &matrix, fixed.to_vec(), k).unwrap();
    match capacity {
        Some(c) => instance.with_capacities(c.to_vec()).unwrap(),
        None => instance,
    }
}

fn table(rows: &[&[f64]]) -> Vec<Vec<f64>> {
    rows.iter().map(|r| r.to_vec()).collect()
}

/// max c·x subject to a·x ≤ b, x ≥ 0, with b ≥ 0: a dense tableau simplex with Bland's rule, written
/// independently of the flow code to check it.
fn simplex(a: &[Vec<f64>], b: &[f64], c: &[f64]) -> f64 {
    let (m, n) = (a.len(), c.len());
    let width = n + m + 1;
    let mut t = vec![vec![0.0; width]; m + 1];
    for r in 0..m {
        t[r][..n].copy_from_slice(&a[r]);
        t[r][n + r] = 1.0;
        t[r][width - 1] = b[r];
    }
    for k in 0..n {
        t[m][k] = -c[k];
    }
    let mut basis: Vec<usize> = (n..n + m).collect();
    while let Some(e) = (0..width - 1).find(|&k| t[m][k] < -1e-9) {
        let mut leave: Option<(f64, usize)> = None;
        for r in 0..m {
            if t[r][e] > 1e-9 {
                let ratio = t[r][width - 1] / t[r][e];
                let better = match leave {
                    None => true,
                    Some((best, at)) => {
                        ratio < best - 1e-12 || (ratio <= best + 1e-12 && basis[r] < basis[at])
                    }
                };
                if better {
                    leave = Some((ratio, r));
                }
            }
        }
        let (_, r) = leave.expect("bounded: every variable is capped by a demand row");
        let p = t[r][e];
        for v in t[r].iter_mut() {
            *v /= p;
        }
        let pivot_row = t[r].clone();
        for (q, row) in t.iter_mut().enumerate() {
            if q != r && row[e] != 0.0 {
                let f = row[e];
                for (v, pv) in row.iter_mut().zip(&pivot_row) {
                    *v -= f * pv;
                }
            }
        }
        basis[r] = e;
    }
    t[m][width - 1]
}

/// f(open) as the transportation LP: variables x_ij (demand i served at open j, value p_ij per unit),
/// Σ_j x_ij ≤ w_i, Σ_i x_ij ≤ C_j.
fn lp_value(instance: &Instance, open: &[bool]) -> f64 {
    let n = instance.weights.len();
    let mut pairs = Vec::new();
    for i in 0..n {
        for (j, c) in instance.row(i) {
            if open[j] && instance.unit_value(c) > 0.0 {
                pairs.push((i, j, instance.unit_value(c)));
            }
        }
    }
    let sites: Vec<usize> = (0..open.len())
        .filter(|&j| open[j] && instance.capacity_of(j).is_finite())
        .collect();
    let mut a = vec![vec![0.0; pairs.len()]; n + sites.len()];
    let mut b: Vec<f64> = instance.weights.clone();
    b.extend(sites.iter().map(|&j| instance.capacity_of(j)));
    for (x, &(i, j, _)) in pairs.iter().enumerate() {
        a[i][x] = 1.0;
        if let Some(s) = sites.iter().position(|&s| s == j) {
            a[n + s][x] = 1.0;
        }
    }
    let c: Vec<f64> = pairs.iter().map(|p| p.2).collect();
    simplex(&a, &b, &c)
}

#[test]
fn mclp_capacity_binds_on_paper() {
    // d0 (10) is reached by both candidates, d1 (20) by candidate 0 alone; candidate 0 serves at most 15.
    let costs = table(&[&[1.0, 2.0], &[1.0, 9.0]]);
    let model = Model::Mclp { radius: 5.0 };
    let cap = [15.0, f64::INFINITY];
    let one = dense(&costs, model, &[10.0, 20.0], &[false; 2], 1, Some(&cap));
    let plan = solve_exact(&one, u64::MAX);
    // Candidate 0 serves 15 of the 30 it reaches; candidate 1 serves d0's 10.
    assert_eq!((plan.objective, plan.steps[0].site), (15.0, 0));
    let served = |p: &Plan| {
        p.served
            .as_ref()
            .map(|s| s.iter().map(|s| s.served).collect::<Vec<_>>())
    };
    assert_eq!(served(&plan), Some(vec![15.0, 0.0]));
    let two = dense(&costs, model, &[10.0, 20.0], &[false; 2], 2, Some(&cap));
    let plan = solve_exact(&two, u64::MAX);
    // Together: d0 to candidate 1, 15 of d1 to candidate 0 (the flow moves d0 off candidate 0).
    assert_eq!(plan.objective, 25.0);
    assert_eq!(served(&plan), Some(vec![15.0, 10.0]));
    // Without capacities both are covered by candidate 0 alone.
    let plain = dense(&costs, model, &[10.0, 20.0], &[false; 2], 1, None);
    assert_eq!(solve_exact(&plain, u64::MAX).objective, 30.0);
}

#[test]
fn pmedian_capacity_binds_and_not_on_paper() {
    // Demand 1, 1, 2 at 0, 4, 10; candidates at 0, 5, 10; cost |x − y|, M = 8; each site serves at most 2.
    let costs = table(&[&[0.0, 5.0, 10.0], &[4.0, 1.0, 6.0], &[10.0, 5.0, 0.0]]);
    let model = Model::PMedian { max_cost: 8.0 };
    let cap = [2.0; 3];
    let one = dense(&costs, model, &[1.0, 1.0, 2.0], &[false; 3], 1, Some(&cap));
    // At 10: c's 2 at cost 0, a and b unassigned at M: 16. At 0: a (0) and b (4), c at M: 4 + 16 = 20.
    // At 5: b (1) and one of a or c (5), the other 3 units at M: 1 + 5 + 24 = 30. Uncapacitated it was 14.
    let plan = solve_exact(&one, u64::MAX);
    assert_eq!((plan.objective, plan.steps[0].site), (16.0, 2));
    assert_eq!(plan.base, 32.0);
    // k = 2: {0, 10} serves a, b at 0 and c at 10 within the capacities: 4, as without capacities.
    let two = dense(&costs, model, &[1.0, 1.0, 2.0], &[false; 3], 2, Some(&cap));
    let plan = solve_exact(&two, u64::MAX);
    assert_eq!(plan.objective, 4.0);
    let plain = dense(&costs, model, &[1.0, 1.0, 2.0], &[false; 3], 2, None);
    assert_eq!(solve_exact(&plain, u64::MAX).objective, 4.0);
    // A fixed site at 5 with capacity 1 takes b (its best use): 1 + 8 + 16 = 25. One more at 10 takes c; a stays
    // at M: 1 + 8 + 0 = 9.
    let cap = [2.0, 1.0, 2.0];
    let fixed = dense(
        &costs,
        model,
        &[1.0, 1.0, 2.0],
        &[false, true, false],
        1,
        Some(&cap),
    );
    let plan = solve_exact(&fixed, u64::MAX);
    // Or at 0: a (0), b at 5 (1), c at M (16): 17. So 10 it is.
    assert_eq!(
        (plan.base, plan.objective, plan.steps[0].site),
        (25.0, 9.0, 2)
    );
}

#[test]
fn capacity_zero_serves_nothing_and_negative_is_refused() {
    let costs = table(&[&[1.0, 1.0]]);
    let model = Model::Mclp { radius: 5.0 };
    let instance = dense(&costs, model, &[4.0], &[false; 2], 1, Some(&[0.0, 3.0]));
    assert_eq!(solve_exact(&instance, u64::MAX).objective, 3.0);
    let matrix = CostMatrix::from_entries(1, 1, &[(0, 0, 1.0)], 9.0).unwrap();
    for bad in [-1.0, f64::NAN] {
        let refused = Instance::new(model, vec![1.0], &matrix, vec![false], 1)
            .unwrap()
            .with_capacities(vec![bad]);
        assert!(
            matches!(refused, Err(SitingProblem::BadCapacity(_))),
            "{bad}"
        );
    }
}

/// Random instances: (costs, weights, capacities, fixed, k, model).
fn random_instances(rounds: usize) -> Vec<Instance> {
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = || crate::spatial::test_uniform(&mut seed);
    let mut all = Vec::new();
    for round in 0..rounds {
        let (n, m) = (4 + round % 6, 4 + round % 5);
        let k = 1 + round % 3;
        let costs: Vec<Vec<f64>> = (0..n)
            .map(|_| (0..m).map(|_| (next() * 20.0).floor()).collect())
            .collect();
        let weights: Vec<f64> = (0..n).map(|_| 1.0 + (next() * 9.0).floor()).collect();
        let capacity: Vec<f64> = (0..m)
            .map(|_| match (next() * 4.0) as u32 {
                0 => f64::INFINITY,
                _ => (next() * 15.0).floor(),
            })
            .collect();
        let fixed: Vec<bool> = (0..m).map(|j| round % 3 == 0 && j == 0).collect();
        let model = if round % 2 == 0 {
            Model::Mclp { radius: 8.0 }
        } else {
            Model::PMedian { max_cost: 15.0 }
        };
        all.push(dense(&costs, model, &weights, &fixed, k, Some(&capacity)));
    }
    all
}

#[test]
fn flow_equals_the_lp_in_any_opening_order() {
    let mut seed = 7u64;
    for (round, instance) in random_instances(80).iter().enumerate() {
        let m = instance.candidates();
        let open: Vec<bool> = (0..m)
            .map(|_| crate::spatial::test_uniform(&mut seed) < 0.6)
            .collect();
        let lp = lp_value(instance, &open);
        let forward = Flow::with_open(instance, &open);
        // The same set opened backwards, one gain at a time.
        let mut backward = Flow::empty(instance);
        let mut summed = 0.0;
        for j in (0..m).rev().filter(|&j| open[j]) {
            summed += backward.gain(instance, j);
            backward.open(instance, j);
        }
        for value in [forward.total(), backward.total(), summed] {
            assert!(
                (value - lp).abs() <= 1e-7 * lp.max(1.0),
                "round {round}: {value} vs LP {lp}"
            );
        }
        // Loads within capacities; the objective from costs agrees with the value.
        for (j, &load) in forward.loads().iter().enumerate() {
            assert!(load <= instance.capacity_of(j) + 1e-9, "round {round}");
        }
        let from_value = instance.objective_from_value(lp);
        let objective = forward.objective(instance);
        assert!((objective - from_value).abs() <= 1e-7 * from_value.abs().max(1.0));
        // Undo puts it back exactly.
        let mark = backward.mark();
        let before = backward.total();
        for j in 0..m {
            backward.open(instance, j);
        }
        backward.restore(mark);
        assert_eq!(backward.total(), before);
    }
}

/// Every set of k free candidates, by enumeration.
fn brute_force(instance: &Instance) -> f64 {
    let free = instance.free();
    let mut best: Option<f64> = None;
    let mut pick = vec![0usize; instance.k()];
    fn walk(
        at: usize,
        from: usize,
        free: &[usize],
        pick: &mut Vec<usize>,
        visit: &mut dyn FnMut(&[usize]),
    ) {
        if at == pick.len() {
            visit(pick);
            return;
        }
        for s in from..free.len() {
            pick[at] = free[s];
            walk(at + 1, s + 1, free, pick, visit);
        }
    }
    walk(0, 0, &free, &mut pick, &mut |chosen| {
        let mut open = instance.fixed.clone();
        for &j in chosen {
            open[j] = true;
        }
        let value = instance.objective(&open);
        let better = best.is_none_or(|b| {
            if instance.maximises() {
                value > b
            } else {
                value < b
            }
        });
        if better {
            best = Some(value);
        }
    });
    best.unwrap()
}

#[test]
fn capacitated_exact_equals_brute_force_and_heuristic_is_bounded() {
    for (round, instance) in random_instances(60).iter().enumerate() {
        let optimum = brute_force(instance);
        let exact = solve_exact(instance, u64::MAX);
        let heuristic = solve_heuristic(instance);
        let scale = optimum.abs().max(1.0);
        assert!(exact.optimal);
        assert!(
            (exact.objective - optimum).abs() <= 1e-9 * scale,
            "round {round}: exact {} vs brute force {optimum}",
            exact.objective
        );
        if instance.maximises() {
            assert!(heuristic.objective <= optimum + 1e-9 * scale);
            assert!(heuristic.bound >= optimum - 1e-9 * scale, "round {round}");
        } else {
            assert!(heuristic.objective >= optimum - 1e-9 * scale);
            assert!(heuristic.bound <= optimum + 1e-9 * scale, "round {round}");
        }
    }
}

#[test]
fn capacities_that_never_bind_give_the_uncapacitated_answer() {
    for (round, capped) in random_instances(40).iter().enumerate() {
        let total: f64 = capped.weights.iter().sum();
        let loose = capped
            .clone()
            .with_capacities(vec![total; capped.candidates()])
            .unwrap();
        let mut plain = capped.clone();
        plain.capacity = None;
        let (a, b) = (solve_exact(&loose, u64::MAX), solve_exact(&plain, u64::MAX));
        assert!(
            (a.objective - b.objective).abs() <= 1e-9 * b.objective.abs().max(1.0),
            "round {round}"
        );
        assert!(
            (a.base - b.base).abs() <= 1e-9 * b.base.abs().max(1.0),
            "round {round}"
        );
    }
}
