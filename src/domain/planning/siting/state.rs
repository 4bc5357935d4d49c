//! The value f of the open sites as the solvers open and close them: the best value per demand point without
//! capacities ([`Best`]), the optimal assignment within capacities with them ([`Flow`]).

use super::flow::Flow;
use super::instance::Instance;

/// Per demand point, the best value any open site gives it, kept as sites open and close.
#[derive(Debug, Clone)]
pub(super) struct Best {
    pub value: Vec<f64>,
    pub total: f64,
}

impl Best {
    /// The best values with the fixed sites open.
    pub fn fixed(instance: &Instance) -> Self {
        let mut best = Self {
            value: vec![0.0; instance.weights.len()],
            total: 0.0,
        };
        for j in (0..instance.candidates()).filter(|&j| instance.fixed[j]) {
            best.open(instance, j, &mut Vec::new());
        }
        best
    }

    /// f(S ∪ {j}) − f(S).
    pub fn gain(&self, instance: &Instance, j: usize) -> f64 {
        instance
            .column(j)
            .map(|(i, v)| (v - self.value[i]).max(0.0))
            .sum()
    }

    /// Opens `j`, recording every value it changes in `undo`.
    pub fn open(&mut self, instance: &Instance, j: usize, undo: &mut Vec<(u32, f64)>) {
        for (i, v) in instance.column(j) {
            if v > self.value[i] {
                undo.push((i as u32, self.value[i]));
                self.total += v - self.value[i];
                self.value[i] = v;
            }
        }
    }

    /// Undoes the changes recorded from `mark` on.
    pub fn restore(&mut self, undo: &mut Vec<(u32, f64)>, mark: usize) {
        while undo.len() > mark {
            if let Some((i, old)) = undo.pop() {
                self.total -= self.value[i as usize] - old;
                self.value[i as usize] = old;
            }
        }
    }
}

/// f(open sites), opened one site at a time and undone to a mark: whichever evaluation the instance needs.
#[derive(Debug, Clone)]
pub(super) enum State {
    /// Without capacities: each demand point takes its best open site.
    Plain {
        /// Best value per demand point.
        best: Best,
        /// What to put back on restore.
        undo: Vec<(u32, f64)>,
    },
    /// With capacities: the optimal assignment.
    Flow(Flow),
}

impl State {
    /// The fixed sites open.
    pub fn fixed(instance: &Instance) -> Self {
        if instance.is_capacitated() {
            Self::Flow(Flow::with_open(instance, &instance.fixed))
        } else {
            Self::Plain {
                best: Best::fixed(instance),
                undo: Vec::new(),
            }
        }
    }

    /// The fixed sites and `chosen` open.
    pub fn with_chosen(instance: &Instance, chosen: &[usize]) -> Self {
        let mut state = Self::fixed(instance);
        for &j in chosen {
            state.open(instance, j);
        }
        state
    }

    /// f of the open sites.
    pub fn total(&self) -> f64 {
        match self {
            Self::Plain { best, .. } => best.total,
            Self::Flow(flow) => flow.total(),
        }
    }

    /// f(S ∪ {j}) − f(S), S the open sites.
    pub fn gain(&mut self, instance: &Instance, j: usize) -> f64 {
        match self {
            Self::Plain { best, .. } => best.gain(instance, j),
            Self::Flow(flow) => flow.gain(instance, j),
        }
    }

    /// Opens `j`.
    pub fn open(&mut self, instance: &Instance, j: usize) {
        match self {
            Self::Plain { best, undo } => best.open(instance, j, undo),
            Self::Flow(flow) => flow.open(instance, j),
        }
    }

    /// A mark to [`State::restore`] to.
    pub fn mark(&self) -> usize {
        match self {
            Self::Plain { undo, .. } => undo.len(),
            Self::Flow(flow) => flow.mark(),
        }
    }

    /// Undoes every opening since `mark`.
    pub fn restore(&mut self, mark: usize) {
        match self {
            Self::Plain { best, undo } => best.restore(undo, mark),
            Self::Flow(flow) => flow.restore(mark),
        }
    }

    /// Demand assigned to each candidate, with capacities; `None` without.
    pub fn loads(&self) -> Option<Vec<f64>> {
        match self {
            Self::Plain { .. } => None,
            Self::Flow(flow) => Some(flow.loads().to_vec()),
        }
    }
}

impl Instance {
    /// The model's objective with `open` sites open: MCLP, Σᵢ wᵢ over demand points with an open site at cost
    /// ≤ R (demand covered); p-median, Σᵢ wᵢ·min(M, min_{j open} cᵢⱼ) (demand-weighted cost). Computed directly
    /// from the costs, not from values. With capacities, the same over the best assignment within them: demand
    /// assigned (MCLP), or Σ amount × cost plus M × demand unassigned (p-median).
    pub fn objective(&self, open: &[bool]) -> f64 {
        if self.is_capacitated() {
            return Flow::with_open(self, open).objective(self);
        }
        let mut total = 0.0;
        for (i, &w) in self.weights.iter().enumerate() {
            let range = self.row_starts[i]..self.row_starts[i + 1];
            let reached = self.row_site[range.clone()]
                .iter()
                .zip(&self.row_cost[range])
                .filter(|(j, _)| open[**j as usize])
                .map(|(_, &c)| c);
            total += match self.model {
                super::Model::Mclp { .. } => {
                    if reached.count() > 0 {
                        w
                    } else {
                        0.0
                    }
                }
                super::Model::PMedian { max_cost } => w * reached.fold(max_cost, f64::min),
            };
        }
        total
    }
}
