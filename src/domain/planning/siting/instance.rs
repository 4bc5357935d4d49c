//! A siting instance: demand weights, candidate sites (some fixed open), the costs between them and what an open
//! site is worth to each demand point under the chosen model.

use super::super::CostMatrix;

/// What a set of open sites is judged by.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Model {
    /// Maximal covering (MCLP): demand within `radius` (inclusive, c ≤ radius) of an open site, maximised.
    Mclp {
        /// Coverage radius, in the cost's unit (km for geodesic costs).
        radius: f64,
    },
    /// p-median: Σᵢ wᵢ·min(max_cost, nearest open site's cost), minimised.
    PMedian {
        /// Cost charged to demand with no open site within it, and beyond which pairs are not stored.
        max_cost: f64,
    },
}

impl Model {
    /// The largest cost that matters: pairs beyond it are never needed.
    pub fn limit(self) -> f64 {
        match self {
            Self::Mclp { radius } => radius,
            Self::PMedian { max_cost } => max_cost,
        }
    }

    /// `mclp` or `pmedian`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Mclp { .. } => "mclp",
            Self::PMedian { .. } => "pmedian",
        }
    }
}

/// Why an instance cannot be built or solved.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SitingProblem {
    /// Weights and cost rows disagree, or a position is out of range.
    #[error("{0}")]
    Shape(String),
    /// More new sites asked for than free candidates.
    #[error(
        "k = {k} but only {free} candidate sites are free to choose (fixed sites are already open)"
    )]
    TooFewCandidates {
        /// Sites asked for.
        k: usize,
        /// Free candidates.
        free: usize,
    },
    /// The radius or the maximum cost is not a finite number ≥ 0.
    #[error("the {0} must be a finite number ≥ 0")]
    BadLimit(&'static str),
    /// Floors cannot all be met with k new sites.
    #[error("{0}")]
    Infeasible(String),
    /// A capacity is not a number ≥ 0, or cannot be turned into demand units.
    #[error("{0}")]
    BadCapacity(String),
}

/// A siting instance. Values are stored column-wise (per candidate: the demand points it reaches and what it
/// would be worth to each) and row-wise (per demand point: the candidates reaching it).
///
/// The value of candidate j to demand point i is vᵢⱼ = wᵢ under MCLP (when cᵢⱼ ≤ R) and wᵢ·(M − cᵢⱼ) under
/// p-median (when cᵢⱼ ≤ M). Every model is then f(S) = Σᵢ max_{j∈S} vᵢⱼ (0 where no site of S reaches i),
/// monotone and submodular, which the solvers' bounds rely on: MCLP's objective is f(S), p-median's is
/// Σᵢ wᵢ·M − f(S).
#[derive(Debug, Clone)]
pub struct Instance {
    pub(super) model: Model,
    pub(super) weights: Vec<f64>,
    pub(super) col_starts: Vec<usize>,
    pub(super) col_demand: Vec<u32>,
    pub(super) col_value: Vec<f64>,
    pub(super) row_starts: Vec<usize>,
    pub(super) row_site: Vec<u32>,
    pub(super) row_cost: Vec<f64>,
    pub(super) row_value: Vec<f64>,
    pub(super) fixed: Vec<bool>,
    pub(super) area_of: Vec<Option<usize>>,
    pub(super) floors: Vec<usize>,
    pub(super) k: usize,
    pub(super) capacity: Option<Vec<f64>>,
}

impl Instance {
    /// An instance choosing `k` new sites among the candidates that are not `fixed`, with demand `weights`
    /// (rows of `costs`) and candidates (columns of `costs`); pairs beyond the model's limit are ignored.
    pub fn new(
        model: Model,
        weights: Vec<f64>,
        costs: &CostMatrix,
        fixed: Vec<bool>,
        k: usize,
    ) -> Result<Self, SitingProblem> {
        let (what, limit) = match model {
            Model::Mclp { radius } => ("radius", radius),
            Model::PMedian { max_cost } => ("maximum cost", max_cost),
        };
        if !(limit.is_finite() && limit >= 0.0) {
            return Err(SitingProblem::BadLimit(what));
        }
        if weights.len() != costs.origins() || fixed.len() != costs.destinations() {
            return Err(SitingProblem::Shape(format!(
                "{} weights and {} candidates for a {}×{} cost matrix",
                weights.len(),
                fixed.len(),
                costs.origins(),
                costs.destinations()
            )));
        }
        let free = fixed.iter().filter(|f| !**f).count();
        if k > free {
            return Err(SitingProblem::TooFewCandidates { k, free });
        }
        let value = |w: f64, c: f64| match model {
            Model::Mclp { .. } => w,
            Model::PMedian { max_cost } => w * (max_cost - c),
        };
        let (mut row_starts, mut row_site, mut row_cost, mut row_value) =
            (vec![0], Vec::new(), Vec::new(), Vec::new());
        let mut per_column: Vec<Vec<(u32, f64)>> = vec![Vec::new(); fixed.len()];
        for (i, &w) in weights.iter().enumerate() {
            for (j, c) in costs.row(i).filter(|&(_, c)| c <= limit) {
                row_site.push(j as u32);
                row_cost.push(c);
                let v = value(w, c);
                row_value.push(v);
                if v > 0.0 {
                    per_column[j].push((i as u32, v));
                }
            }
            row_starts.push(row_site.len());
        }
        let (mut col_starts, mut col_demand, mut col_value) = (vec![0], Vec::new(), Vec::new());
        for column in per_column {
            for (i, v) in column {
                col_demand.push(i);
                col_value.push(v);
            }
            col_starts.push(col_demand.len());
        }
        Ok(Self {
            model,
            area_of: vec![None; fixed.len()],
            weights,
            col_starts,
            col_demand,
            col_value,
            row_starts,
            row_site,
            row_cost,
            row_value,
            fixed,
            floors: Vec::new(),
            k,
            capacity: None,
        })
    }

    /// Requires at least `floors[a]` open sites (fixed or chosen) located in area `a`, where `area_of[j]` is the
    /// area candidate `j` lies in. Refused when no choice of k sites can meet them.
    /// `labels[a]` names area `a` in problems.
    pub fn with_floors(
        mut self,
        area_of: Vec<Option<usize>>,
        floors: Vec<usize>,
        labels: &[String],
    ) -> Result<Self, SitingProblem> {
        if area_of.len() != self.fixed.len() || area_of.iter().flatten().any(|&a| a >= floors.len())
        {
            return Err(SitingProblem::Shape(
                "every candidate needs an area within the floors".into(),
            ));
        }
        self.area_of = area_of;
        self.floors = floors;
        let mut open = vec![0usize; self.floors.len()];
        let mut free = vec![0usize; self.floors.len()];
        for (j, area) in self.area_of.iter().enumerate() {
            if let Some(a) = *area {
                if self.fixed[j] {
                    open[a] += 1;
                } else {
                    free[a] += 1;
                }
            }
        }
        let mut missing = 0;
        for (a, &floor) in self.floors.iter().enumerate() {
            let short = floor.saturating_sub(open[a]);
            if short > free[a] {
                let name = labels
                    .get(a)
                    .cloned()
                    .unwrap_or_else(|| format!("area {a}"));
                return Err(SitingProblem::Infeasible(format!(
                    "{name} needs {short} more sites but has only {} free candidates located in it",
                    free[a]
                )));
            }
            missing += short;
        }
        if missing > self.k {
            return Err(SitingProblem::Infeasible(format!(
                "the floors need {missing} new sites but k = {}",
                self.k
            )));
        }
        Ok(self)
    }

    /// Limits what each open site may serve: candidate `j` at most `capacity[j]` demand units (the weights'
    /// unit), `f64::INFINITY` for no limit. Demand is then split among open sites by the best assignment within
    /// the capacities (README, "Hub siting" → capacities). Refused when a capacity is NaN or negative.
    pub fn with_capacities(mut self, capacity: Vec<f64>) -> Result<Self, SitingProblem> {
        if capacity.len() != self.fixed.len() {
            return Err(SitingProblem::Shape(format!(
                "{} capacities for {} candidates",
                capacity.len(),
                self.fixed.len()
            )));
        }
        if let Some(j) = capacity.iter().position(|c| c.is_nan() || *c < 0.0) {
            return Err(SitingProblem::BadCapacity(format!(
                "candidate {j} has capacity {}: a capacity must be a number ≥ 0",
                capacity[j]
            )));
        }
        self.capacity = Some(capacity);
        Ok(self)
    }

    /// Whether open sites have capacities.
    pub fn is_capacitated(&self) -> bool {
        self.capacity.is_some()
    }

    /// Candidate `j`'s capacity in demand units (infinite without capacities).
    pub(super) fn capacity_of(&self, j: usize) -> f64 {
        self.capacity.as_ref().map_or(f64::INFINITY, |c| c[j])
    }

    /// Value per demand unit served at cost `c`: 1 under MCLP, M − c under p-median.
    pub(super) fn unit_value(&self, c: f64) -> f64 {
        match self.model {
            Model::Mclp { .. } => 1.0,
            Model::PMedian { max_cost } => max_cost - c,
        }
    }

    /// The largest value per demand unit: 1 (MCLP) or M (p-median), at least 1.
    pub(super) fn unit_scale(&self) -> f64 {
        match self.model {
            Model::Mclp { .. } => 1.0,
            Model::PMedian { max_cost } => max_cost.max(1.0),
        }
    }

    /// Demand point `i`'s stored candidates and costs.
    pub(super) fn row(&self, i: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let range = self.row_starts[i]..self.row_starts[i + 1];
        self.row_site[range.clone()]
            .iter()
            .zip(&self.row_cost[range])
            .map(|(&j, &c)| (j as usize, c))
    }

    /// The model.
    pub fn model(&self) -> Model {
        self.model
    }

    /// Number of candidates (fixed and free).
    pub fn candidates(&self) -> usize {
        self.fixed.len()
    }

    /// Number of new sites to choose.
    pub fn k(&self) -> usize {
        self.k
    }

    /// Whether candidate `j` is fixed open.
    pub fn is_fixed(&self, j: usize) -> bool {
        self.fixed[j]
    }

    /// The free candidates, by position.
    pub fn free(&self) -> Vec<usize> {
        (0..self.fixed.len()).filter(|&j| !self.fixed[j]).collect()
    }

    /// Number of stored demand–candidate pairs within the model's limit.
    pub fn pairs(&self) -> usize {
        self.row_site.len()
    }

    pub(super) fn column(&self, j: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let range = self.col_starts[j]..self.col_starts[j + 1];
        self.col_demand[range.clone()]
            .iter()
            .zip(&self.col_value[range])
            .map(|(&i, &v)| (i as usize, v))
    }

    /// Converts f (total value) into the model's objective.
    pub(super) fn objective_from_value(&self, value: f64) -> f64 {
        match self.model {
            Model::Mclp { .. } => value,
            Model::PMedian { max_cost } => self.weights.iter().sum::<f64>() * max_cost - value,
        }
    }

    /// Whether a larger objective is better (MCLP) or a smaller (p-median).
    pub fn maximises(&self) -> bool {
        matches!(self.model, Model::Mclp { .. })
    }
}
