//! The capacitated value of a set of open sites: the best splittable assignment of demand to open sites within
//! their capacities, found exactly as a maximum-value flow and kept optimal as sites open one at a time.
//!
//! The network: a source sends up to wᵢ to demand point i, i sends to any open site j it reaches at unit value
//! pᵢⱼ (1 under MCLP, M − cᵢⱼ under p-median), and j sends at most Cⱼ to the sink. f(S) is the largest total
//! value of any flow. Opening j onto an optimal flow, every improvement passes through j's sink arc, so with the
//! source and sink merged into one node o, the new optimum is reached by successive shortest (most valuable)
//! paths o → … → j while one gains (Busacker & Gowen 1960). Paths alternate between sites and demand points; the
//! search runs on the sites alone, with the best demand point for each step.

use super::instance::Instance;

/// One demand point's share sent to one site.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Share {
    site: u32,
    amount: f64,
    cost: f64,
}

/// What [`Flow::restore`] puts back.
#[derive(Debug, Clone)]
enum Change {
    Point(u32, f64, Vec<Share>),
    Load(u32, f64),
    Opened(u32),
    Total(f64),
}

/// How a path reaches a site from the merged node, or from the site before it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Step {
    /// Nothing reaches it.
    None,
    /// Send demand point i's unassigned demand to it.
    Unassigned(u32),
    /// Free part of its load (the sink arc backwards): the path goes on by moving one of its demand points.
    Sink,
    /// Move part of demand point i's share at the site before to this one.
    Moved(u32),
}

/// An optimal assignment of demand to the open sites, with a journal to undo openings.
#[derive(Debug, Clone)]
pub(super) struct Flow {
    open: Vec<bool>,
    load: Vec<f64>,
    left: Vec<f64>,
    shares: Vec<Vec<Share>>,
    total: f64,
    journal: Vec<Change>,
    eps: f64,
}

/// Augmenting paths tried per opening before giving up on float noise (never reached on sound input).
const MAX_PATHS: usize = 10_000_000;

impl Flow {
    /// Nothing open: all demand unassigned.
    pub fn empty(instance: &Instance) -> Self {
        let total_weight: f64 = instance.weights.iter().sum();
        Self {
            open: vec![false; instance.candidates()],
            load: vec![0.0; instance.candidates()],
            left: instance.weights.clone(),
            shares: vec![Vec::new(); instance.weights.len()],
            total: 0.0,
            journal: Vec::new(),
            eps: 1e-12 * total_weight.max(1.0),
        }
    }

    /// The optimal assignment with the `open` sites open.
    pub fn with_open(instance: &Instance, open: &[bool]) -> Self {
        let mut flow = Self::empty(instance);
        for j in (0..open.len()).filter(|&j| open[j]) {
            flow.open(instance, j);
        }
        flow.journal.clear();
        flow
    }

    /// f: Σ of pᵢⱼ × amount over the assignment.
    pub fn total(&self) -> f64 {
        self.total
    }

    /// Demand assigned to each candidate (0 when closed), in demand units.
    pub fn loads(&self) -> &[f64] {
        &self.load
    }

    /// Journal position, for [`Flow::restore`].
    pub fn mark(&self) -> usize {
        self.journal.len()
    }

    /// Undoes every change since `mark`.
    pub fn restore(&mut self, mark: usize) {
        while self.journal.len() > mark {
            match self.journal.pop() {
                Some(Change::Point(i, left, shares)) => {
                    self.left[i as usize] = left;
                    self.shares[i as usize] = shares;
                }
                Some(Change::Load(j, load)) => self.load[j as usize] = load,
                Some(Change::Opened(j)) => self.open[j as usize] = false,
                Some(Change::Total(total)) => self.total = total,
                None => {}
            }
        }
    }

    /// f(S ∪ {j}) − f(S), leaving the assignment as it was.
    pub fn gain(&mut self, instance: &Instance, j: usize) -> f64 {
        let (mark, before) = (self.mark(), self.total);
        self.open(instance, j);
        let gain = self.total - before;
        self.restore(mark);
        gain.max(0.0)
    }

    /// The model's objective of the assignment, from the costs: MCLP, demand assigned; p-median, Σ amount × cost
    /// over the assignment plus M × demand left unassigned.
    pub fn objective(&self, instance: &Instance) -> f64 {
        (0..self.shares.len())
            .map(|i| self.point_objective(instance, i))
            .sum()
    }

    /// Demand point `i`'s part of [`Flow::objective`]: its demand assigned (MCLP), or Σ amount × cost over its
    /// shares plus M × its demand left unassigned (p-median).
    pub fn point_objective(&self, instance: &Instance, i: usize) -> f64 {
        match instance.model {
            super::Model::Mclp { .. } => self.shares[i].iter().map(|x| x.amount).sum(),
            super::Model::PMedian { max_cost } => {
                self.shares[i]
                    .iter()
                    .map(|x| x.amount * x.cost)
                    .sum::<f64>()
                    + self.left[i] * max_cost
            }
        }
    }

    /// Opens `j` and restores optimality by successive most valuable paths ending at j.
    pub fn open(&mut self, instance: &Instance, j: usize) {
        if self.open[j] {
            return;
        }
        self.journal.push(Change::Opened(j as u32));
        self.journal.push(Change::Total(self.total));
        self.open[j] = true;
        let capacity = instance.capacity_of(j);
        let sites: Vec<usize> = (0..self.open.len()).filter(|&s| self.open[s]).collect();
        let mut slot = vec![usize::MAX; self.open.len()];
        for (at, &s) in sites.iter().enumerate() {
            slot[s] = at;
        }
        let tolerance = 1e-12 * instance.unit_scale();
        for _ in 0..MAX_PATHS {
            let room = capacity - self.load[j];
            if room <= self.eps {
                break;
            }
            let Some((path, value)) = self.best_path(instance, &sites, &slot, slot[j]) else {
                break;
            };
            if value <= tolerance {
                break;
            }
            let amount = path
                .iter()
                .map(|&(to, from, step)| self.room_of(from.map(|f| sites[f]), step, sites[to]))
                .fold(room, f64::min);
            if amount <= self.eps {
                break;
            }
            for &(to, from, step) in &path {
                self.apply(instance, step, from.map(|f| sites[f]), sites[to], amount);
            }
            self.total += amount * value;
            if let [(_, None, Step::Unassigned(_))] = path[..] {
                self.assign_ties(instance, j, value, capacity);
            }
        }
    }

    /// Assigns to `j`, up to its capacity, the unassigned demand of every point it serves at unit value exactly
    /// `value`, the length of the shortest path just taken. Each such arc is as short as that path, so taking
    /// them all at once is what successive shortest paths would do one by one (under MCLP every value is 1, so
    /// this assigns all the unassigned demand j reaches in one sweep).
    fn assign_ties(&mut self, instance: &Instance, j: usize, value: f64, capacity: f64) {
        let points: Vec<usize> = instance.column(j).map(|(i, _)| i).collect();
        for i in points {
            let room = capacity - self.load[j];
            if room <= self.eps {
                return;
            }
            if self.left[i] <= self.eps {
                continue;
            }
            let Some((_, c)) = instance.row(i).find(|&(s, _)| s == j) else {
                continue;
            };
            if instance.unit_value(c) == value {
                let amount = self.left[i].min(room);
                self.apply(instance, Step::Unassigned(i as u32), None, j, amount);
                self.total += amount * value;
            }
        }
    }

    /// How much can pass along one step of a path.
    fn room_of(&self, from: Option<usize>, step: Step, to: usize) -> f64 {
        match (step, from) {
            (Step::Unassigned(i), _) => self.left[i as usize],
            (Step::Moved(i), Some(f)) => self.shares[i as usize]
                .iter()
                .find(|s| s.site as usize == f)
                .map_or(0.0, |s| s.amount),
            (Step::Sink, _) => self.load[to],
            _ => 0.0,
        }
    }

    /// The most valuable path from the merged node to site slot `target` over the open sites (Bellman–Ford on
    /// the sites, each arc the best demand point for it), as (to slot, from slot, step) from the start, and its
    /// value. `None` when nothing reaches the target.
    #[allow(clippy::type_complexity)]
    fn best_path(
        &self,
        instance: &Instance,
        sites: &[usize],
        slot: &[usize],
        target: usize,
    ) -> Option<(Vec<(usize, Option<usize>, Step)>, f64)> {
        let n = sites.len();
        // Arc lengths are −value: from the merged node (start) and between sites (moves).
        let mut start = vec![(f64::INFINITY, Step::None); n];
        let mut moves = vec![(f64::INFINITY, Step::None); n * n];
        for (at, &s) in sites.iter().enumerate() {
            if self.load[s] > self.eps {
                start[at] = (0.0, Step::Sink);
            }
        }
        for i in 0..instance.weights.len() {
            let unassigned = self.left[i] > self.eps;
            if !unassigned && self.shares[i].is_empty() {
                continue;
            }
            for (j, c) in instance.row(i) {
                let to = slot[j];
                if to == usize::MAX {
                    continue;
                }
                let p = instance.unit_value(c);
                if p <= 0.0 {
                    continue;
                }
                if unassigned && -p < start[to].0 {
                    start[to] = (-p, Step::Unassigned(i as u32));
                }
                for share in &self.shares[i] {
                    let from = slot[share.site as usize];
                    let length = instance.unit_value(share.cost) - p;
                    if from != to && length < moves[from * n + to].0 {
                        moves[from * n + to] = (length, Step::Moved(i as u32));
                    }
                }
            }
        }
        let mut dist: Vec<f64> = start.iter().map(|s| s.0).collect();
        let mut pred = vec![usize::MAX; n];
        for _ in 0..n {
            let mut changed = false;
            for from in 0..n {
                if !dist[from].is_finite() {
                    continue;
                }
                for to in 0..n {
                    let length = moves[from * n + to].0;
                    // A strict improvement beyond rounding, so float noise cannot cycle.
                    let beaten = dist[to] - 1e-15 * dist[to].abs();
                    if dist[from] + length < beaten || (beaten.is_nan() && length.is_finite()) {
                        dist[to] = dist[from] + length;
                        pred[to] = from;
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        if !dist[target].is_finite() {
            return None;
        }
        let mut path = Vec::new();
        let mut at = target;
        while pred[at] != usize::MAX {
            path.push((at, Some(pred[at]), moves[pred[at] * n + at].1));
            at = pred[at];
            if path.len() > n {
                return None;
            }
        }
        path.push((at, None, start[at].1));
        path.reverse();
        Some((path, -dist[target]))
    }

    /// Carries out one step of a path: `amount` reaches `to`.
    fn apply(
        &mut self,
        instance: &Instance,
        step: Step,
        from: Option<usize>,
        to: usize,
        amount: f64,
    ) {
        let (i, from) = match step {
            Step::Unassigned(i) => (i as usize, None),
            Step::Moved(i) => (i as usize, from),
            Step::Sink | Step::None => return,
        };
        self.journal.push(Change::Point(
            i as u32,
            self.left[i],
            self.shares[i].clone(),
        ));
        match from {
            None => {
                self.left[i] -= amount;
                if self.left[i] <= self.eps {
                    self.left[i] = 0.0;
                }
            }
            Some(f) => {
                self.add_load(f, -amount);
                let shares = &mut self.shares[i];
                if let Some(at) = shares.iter().position(|s| s.site as usize == f) {
                    shares[at].amount -= amount;
                    if shares[at].amount <= self.eps {
                        shares.swap_remove(at);
                    }
                }
            }
        }
        self.add_load(to, amount);
        let shares = &mut self.shares[i];
        match shares.iter_mut().find(|s| s.site as usize == to) {
            Some(share) => share.amount += amount,
            None => {
                let cost = instance
                    .row(i)
                    .find(|&(j, _)| j == to)
                    .map_or(0.0, |(_, c)| c);
                shares.push(Share {
                    site: to as u32,
                    amount,
                    cost,
                });
            }
        }
    }

    fn add_load(&mut self, j: usize, amount: f64) {
        self.journal.push(Change::Load(j as u32, self.load[j]));
        self.load[j] = (self.load[j] + amount).max(0.0);
    }
}
