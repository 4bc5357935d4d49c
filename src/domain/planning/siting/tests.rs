use super::*;
use crate::domain::planning::CostMatrix;

/// A small dense instance from a cost table (rows: demand, columns: candidates).
fn dense(costs: &[&[f64]], model: Model, weights: &[f64], fixed: &[bool], k: usize) -> Instance {
    let mut entries = Vec::new();
    for (i, row) in costs.iter().enumerate() {
        for (j, &c) in row.iter().enumerate() {
            entries.push((i, j, c));
        }
    }
    let matrix =
        CostMatrix::from_entries(costs.len(), fixed.len(), &entries, f64::INFINITY).unwrap();
    Instance::new(model, weights.to_vec(), &matrix, fixed.to_vec(), k).unwrap()
}

fn subsets(n: usize, k: usize) -> Vec<Vec<usize>> {
    if k == 0 {
        return vec![Vec::new()];
    }
    let mut all = Vec::new();
    for last in (k - 1)..n {
        for mut s in subsets(last, k - 1) {
            s.push(last);
            all.push(s);
        }
    }
    all
}

/// The best objective over every choice of k free candidates meeting the floors, by enumeration.
fn brute_force(instance: &Instance) -> f64 {
    let free = instance.free();
    let mut best: Option<f64> = None;
    for subset in subsets(free.len(), instance.k()) {
        let mut open = instance.fixed.clone();
        for &s in &subset {
            open[free[s]] = true;
        }
        let mut count = vec![0; instance.floors.len()];
        for (j, area) in instance.area_of.iter().enumerate() {
            if let (true, Some(a)) = (open[j], *area) {
                count[a] += 1;
            }
        }
        if count.iter().zip(&instance.floors).any(|(c, f)| c < f) {
            continue;
        }
        let value = instance.objective(&open);
        let better = match best {
            None => true,
            Some(b) if instance.maximises() => value > b,
            Some(b) => value < b,
        };
        if better {
            best = Some(value);
        }
    }
    best.unwrap()
}

#[test]
fn mclp_on_paper() {
    // Three demand points (weights 10, 20, 30) and three candidates; radius 5, inclusive.
    // Candidate 0 covers d0 (c = 0) and d1 (c = 5, on the edge); candidate 1 covers d2; candidate 2 covers d1, d2.
    let inf = 99.0;
    let costs: [&[f64]; 3] = [&[0.0, inf, 6.0], &[5.0, inf, 4.0], &[inf, 1.0, 5.0]];
    let model = Model::Mclp { radius: 5.0 };
    let one = dense(&costs, model, &[10.0, 20.0, 30.0], &[false; 3], 1);
    let plan = solve_exact(&one, u64::MAX);
    // Candidate 2 covers 20 + 30 = 50, candidate 0 covers 30, candidate 1 covers 30.
    assert_eq!(plan.objective, 50.0);
    assert_eq!(plan.steps[0].site, 2);
    assert!(plan.optimal);
    let two = dense(&costs, model, &[10.0, 20.0, 30.0], &[false; 3], 2);
    let plan = solve_exact(&two, u64::MAX);
    assert_eq!(plan.objective, 60.0);
    // The account adds candidate 2 (50) first, then candidate 0 (10 more).
    let account: Vec<(usize, f64)> = plan.steps.iter().map(|s| (s.site, s.adds)).collect();
    assert_eq!(account, [(2, 50.0), (0, 10.0)]);
    // With candidate 1 fixed open, d2 is already covered: the best one more is candidate 0 (10 + 20).
    let fixed = dense(&costs, model, &[10.0, 20.0, 30.0], &[false, true, false], 1);
    let plan = solve_exact(&fixed, u64::MAX);
    assert_eq!(
        (plan.base, plan.objective, plan.steps[0].site),
        (30.0, 60.0, 0)
    );
}

#[test]
fn pmedian_on_paper() {
    // Demand 1, 1, 2 on a line at 0, 4, 10; candidates at 0, 5, 10; costs |x − y|, M = 8.
    let costs: [&[f64]; 3] = [&[0.0, 5.0, 10.0], &[4.0, 1.0, 6.0], &[10.0, 5.0, 0.0]];
    let model = Model::PMedian { max_cost: 8.0 };
    let one = dense(&costs, model, &[1.0, 1.0, 2.0], &[false; 3], 1);
    let plan = solve_exact(&one, u64::MAX);
    // At 5: 5 + 1 + 2·5 = 16; at 0: 0 + 4 + 2·8 (capped) = 20; at 10: 8 (capped) + 6 + 0 = 14.
    assert_eq!((plan.objective, plan.steps[0].site), (14.0, 2));
    // Nothing open: every demand point at the cap M: (1 + 1 + 2)·8 = 32.
    assert_eq!(plan.base, 32.0);
    assert_eq!(plan.steps[0].adds, 18.0);
    let two = dense(&costs, model, &[1.0, 1.0, 2.0], &[false; 3], 2);
    // {0, 10}: 0 + 4 + 0 = 4; {5, 10}: 5 + 1 + 0 = 6; {0, 5}: 0 + 1 + 10 = 11.
    assert_eq!(solve_exact(&two, u64::MAX).objective, 4.0);
}

#[test]
fn floors_are_met() {
    // Two areas; the two best sites lie in area 0, a floor of one per area forces one into area 1.
    let costs: [&[f64]; 2] = [&[0.0, 0.0, 9.0], &[1.0, 2.0, 9.0]];
    let model = Model::Mclp { radius: 5.0 };
    let instance = dense(&costs, model, &[5.0, 5.0], &[false; 3], 2)
        .with_floors(vec![Some(0), Some(0), Some(1)], vec![1, 1], &[])
        .unwrap();
    for plan in [solve_exact(&instance, u64::MAX), solve_heuristic(&instance)] {
        let mut sites: Vec<usize> = plan.steps.iter().map(|s| s.site).collect();
        sites.sort_unstable();
        assert!(sites.contains(&2), "{sites:?}");
        assert_eq!(plan.objective, 10.0);
    }
    let too_many = dense(&costs, model, &[5.0, 5.0], &[false; 3], 1).with_floors(
        vec![Some(0), Some(0), Some(1)],
        vec![1, 1],
        &[],
    );
    assert!(matches!(too_many, Err(SitingProblem::Infeasible(_))));
}

#[test]
fn k_beyond_the_free_candidates_is_refused() {
    let matrix = CostMatrix::from_entries(1, 2, &[(0, 0, 1.0)], 9.0).unwrap();
    let refused = Instance::new(
        Model::Mclp { radius: 2.0 },
        vec![1.0],
        &matrix,
        vec![true, false],
        2,
    );
    assert_eq!(
        refused.err(),
        Some(SitingProblem::TooFewCandidates { k: 2, free: 1 })
    );
}

#[test]
fn exact_equals_brute_force_and_heuristic_is_bounded() {
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut next = || crate::spatial::test_uniform(&mut seed);
    for round in 0..60 {
        let (n, m) = (6 + round % 7, 5 + round % 6);
        let k = 1 + round % 4;
        let costs: Vec<Vec<f64>> = (0..n)
            .map(|_| (0..m).map(|_| (next() * 20.0).floor()).collect())
            .collect();
        let weights: Vec<f64> = (0..n).map(|_| (next() * 10.0).floor()).collect();
        let fixed: Vec<bool> = (0..m).map(|j| round % 3 == 0 && j == 0).collect();
        let rows: Vec<&[f64]> = costs.iter().map(Vec::as_slice).collect();
        let model = if round % 2 == 0 {
            Model::Mclp { radius: 6.0 }
        } else {
            Model::PMedian { max_cost: 15.0 }
        };
        let mut instance = dense(&rows, model, &weights, &fixed, k);
        if round % 5 == 0 {
            let areas: Vec<Option<usize>> = (0..m).map(|j| Some(j % 2)).collect();
            match instance.clone().with_floors(areas, vec![1, 1], &[]) {
                Ok(floored) => instance = floored,
                Err(_) => continue,
            }
        }
        let optimum = brute_force(&instance);
        let exact = solve_exact(&instance, u64::MAX);
        let heuristic = solve_heuristic(&instance);
        assert!(exact.optimal);
        assert!(
            (exact.objective - optimum).abs() <= 1e-9 * optimum.abs().max(1.0),
            "round {round}: exact {} vs brute force {optimum}",
            exact.objective
        );
        for plan in [&exact, &heuristic] {
            let total: f64 = plan.steps.iter().map(|s| s.adds).sum();
            let moved = if instance.maximises() {
                plan.objective - plan.base
            } else {
                plan.base - plan.objective
            };
            assert!((total - moved).abs() <= 1e-9 * plan.base.abs().max(1.0));
            assert_eq!(plan.steps.len(), k);
        }
        if instance.maximises() {
            assert!(heuristic.objective <= optimum + 1e-9);
            assert!(heuristic.bound >= optimum - 1e-9, "round {round}");
        } else {
            assert!(heuristic.objective >= optimum - 1e-9);
            assert!(heuristic.bound <= optimum + 1e-9, "round {round}");
        }
    }
}
