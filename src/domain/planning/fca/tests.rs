//! The hand-built fixture: costs exactly at band edges, c = 0, a site whose catchment holds one demand point, a
//! site with none, and a point that reaches no site. Decay step:10=1,20=0.68,30=0.22, M = 30.

use super::*;

/// Demand weights P of d1..d5.
const P: [f64; 5] = [100.0, 200.0, 50.0, 10.0, 7.0];
/// Capacities S of s1..s4.
const S: [f64; 4] = [3.0, 1.0, 2.0, 5.0];

fn costs() -> CostMatrix {
    CostMatrix::from_entries(
        5,
        4,
        &[
            (0, 0, 0.0),  // d1–s1: c = 0, W = 1
            (1, 0, 10.0), // d2–s1: at the first edge, W = 1
            (2, 0, 20.0), // d3–s1: at the second edge, W = 0.68
            (0, 1, 30.0), // d1–s2: at M, W = 0.22
            (1, 1, 15.0), // d2–s2: W = 0.68
            (2, 1, 30.5), // d3–s2: beyond M, dropped
            (3, 2, 30.0), // d4–s3: s3's only demand point, at M, W = 0.22
            (3, 3, 31.0), // d4–s4: beyond M: s4 has no demand in its catchment
        ],
        30.0,
    )
    .unwrap()
}

fn catchment(model: FcaModel) -> Catchment {
    Catchment {
        decay: Decay::parse("step:10=1,20=0.68,30=0.22").unwrap(),
        max_cost: 30.0,
        model,
    }
}

fn assert_close(actual: &[f64], expected: &[f64]) {
    assert_eq!(actual.len(), expected.len());
    for (n, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert!(
            (a - e).abs() <= 1e-15 * e.abs(),
            "entry {n}: {a} against {e} (all: {actual:?})"
        );
    }
}

#[test]
fn e2sfca_by_hand() {
    let result = floating_catchment(&P, &S, &costs(), &catchment(FcaModel::E2sfca));
    // Step 1, R_j = S_j / Σ P_i·W(c_ij):
    //   s1: 3 / (100·1 + 200·1 + 50·0.68) = 3 / 334
    //   s2: 1 / (100·0.22 + 200·0.68) = 1 / 158
    //   s3: 2 / (10·0.22) = 2 / 2.2
    //   s4: no demand within M → 0 (PySAL leaves it out)
    let r = [3.0 / 334.0, 1.0 / 158.0, 2.0 / 2.2, 0.0];
    assert_close(&result.ratio, &r);
    // Step 2, A_i = Σ W(c_ij)·R_j:
    //   d1: 1·R1 + 0.22·R2; d2: 1·R1 + 0.68·R2; d3: 0.68·R1; d4: 0.22·R3 = 0.2; d5: reaches nothing → 0
    let a = [
        r[0] + 0.22 * r[1],
        r[0] + 0.68 * r[1],
        0.68 * r[0],
        0.22 * r[2],
        0.0,
    ];
    assert_close(&result.access, &a);
    assert!((result.access[3] - 0.2).abs() < 1e-15);
}

#[test]
fn two_step_by_hand() {
    let result = floating_catchment(&P, &S, &costs(), &catchment(FcaModel::TwoStep));
    // W ≡ 1 within M: R1 = 3/350, R2 = 1/300, R3 = 2/10, R4 = 0.
    let r = [3.0 / 350.0, 1.0 / 300.0, 0.2, 0.0];
    assert_close(&result.ratio, &r);
    assert_close(&result.access, &[r[0] + r[1], r[0] + r[1], r[0], r[2], 0.0]);
}

#[test]
fn every_reached_capacity_is_shared_out_exactly_once() {
    // Σ_i P_i·A_i = Σ_j R_j·Σ_i P_i·W(c_ij) = Σ of the capacity of sites with demand in reach (s4's 5 is not).
    for model in [FcaModel::E2sfca, FcaModel::TwoStep] {
        let result = floating_catchment(&P, &S, &costs(), &catchment(model));
        let total: f64 = P.iter().zip(&result.access).map(|(p, a)| p * a).sum();
        assert!((total - 6.0).abs() < 1e-12, "{model:?}: {total}");
    }
}

#[test]
fn a_max_cost_below_the_matrix_limit_cuts_pairs() {
    // M = 20: d1–s2 (30) and d4–s3 (30) drop out, so s3 has no demand and d4 no access.
    let within = Catchment {
        max_cost: 20.0,
        ..catchment(FcaModel::E2sfca)
    };
    let result = floating_catchment(&P, &S, &costs(), &within);
    assert_close(&result.ratio, &[3.0 / 334.0, 1.0 / 136.0, 0.0, 0.0]);
    assert_eq!(result.access[3], 0.0);
}

#[test]
fn gaussian_weights_every_pair_within_max_cost() {
    let gaussian = Catchment {
        decay: Decay::parse("gaussian:10").unwrap(),
        max_cost: 30.0,
        model: FcaModel::E2sfca,
    };
    let result = floating_catchment(&P, &S, &costs(), &gaussian);
    let w = |c: f64| (-(c * c) / 200.0).exp();
    let r1 = 3.0 / (100.0 + 200.0 * w(10.0) + 50.0 * w(20.0));
    let r2 = 1.0 / (100.0 * w(30.0) + 200.0 * w(15.0));
    assert_close(&result.ratio[..2], &[r1, r2]);
    assert_close(&result.access[..1], &[r1 + w(30.0) * r2]);
}

#[test]
fn areas_aggregate_demand_weighted() {
    let result = floating_catchment(&P, &S, &costs(), &catchment(FcaModel::E2sfca));
    let demand: Vec<DemandPoint> = P
        .iter()
        .enumerate()
        .map(|(n, &weight)| DemandPoint {
            id: format!("d{}", n + 1),
            point: None,
            weight,
            // d1, d2 in area 0; d3, d4 in area 1; d5 in none.
            area: [Some(0), Some(0), Some(1), Some(1), None][n],
        })
        .collect();
    // Benchmark 1 per 100: below when A·100 < 1, i.e. A < 0.01. d1, d2 ≈ 0.0104, 0.0133: not below; d3 ≈ 0.0061:
    // below; d4 = 0.2: not.
    let benchmark = crate::domain::Benchmark {
        value: 1.0,
        per: 100.0,
        source: "test".into(),
    };
    let areas = by_area(&demand, &result.access, 3, Some(&benchmark));
    let a = &result.access;
    assert_eq!(areas[0].points, 2);
    assert_eq!(areas[0].demand, 300.0);
    assert_close(
        &[areas[0].mean.unwrap()],
        &[(100.0 * a[0] + 200.0 * a[1]) / 300.0],
    );
    assert_eq!(areas[0].min, Some(a[0]));
    assert_eq!(areas[0].share_below, Some(0.0));
    assert_eq!(areas[1].share_below, Some(50.0 / 60.0));
    assert_eq!(areas[1].min, Some(a[2]));
    assert_eq!(
        areas[2],
        AreaAccess {
            points: 0,
            demand: 0.0,
            mean: None,
            min: None,
            share_below: None
        }
    );
}
