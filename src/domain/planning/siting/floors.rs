//! Per-area floors while sites are chosen: how many more sites each area still needs.

use super::instance::Instance;

/// What the floors still ask for, given the sites open so far.
#[derive(Debug, Clone)]
pub(super) struct Floors {
    /// Per area, sites still needed there.
    short: Vec<usize>,
    /// Σ short.
    missing: usize,
}

impl Floors {
    /// The floors' needs with only the fixed sites open.
    pub fn fixed(instance: &Instance) -> Self {
        let mut short = instance.floors.clone();
        for (j, area) in instance.area_of.iter().enumerate() {
            if let Some(a) = *area
                && instance.fixed[j]
            {
                short[a] = short[a].saturating_sub(1);
            }
        }
        let missing = short.iter().sum();
        Self { short, missing }
    }

    /// Whether there are floors at all.
    pub fn any(&self) -> bool {
        !self.short.is_empty()
    }

    /// Sites still needed in all.
    pub fn missing(&self) -> usize {
        self.missing
    }

    /// Whether opening `j` meets part of a floor.
    pub fn helps(&self, instance: &Instance, j: usize) -> bool {
        instance.area_of[j].is_some_and(|a| self.short[a] > 0)
    }

    /// Records `j` as open; returns whether it met part of a floor (for [`Floors::close`]).
    pub fn open(&mut self, instance: &Instance, j: usize) -> bool {
        match instance.area_of[j] {
            Some(a) if self.short[a] > 0 => {
                self.short[a] -= 1;
                self.missing -= 1;
                true
            }
            _ => false,
        }
    }

    /// Undoes [`Floors::open`] of `j` when it returned `true`.
    pub fn close(&mut self, instance: &Instance, j: usize, helped: bool) {
        if let (true, Some(a)) = (helped, instance.area_of[j]) {
            self.short[a] += 1;
            self.missing += 1;
        }
    }

    /// Whether `picks` more sites, chosen among candidates with `available[a]` in each area, can meet every floor.
    pub fn reachable(&self, picks: usize, available: &[usize]) -> bool {
        self.missing <= picks
            && self
                .short
                .iter()
                .zip(available)
                .all(|(&short, &have)| short <= have)
    }

    /// Per area, how many of `candidates` lie there.
    pub fn count(
        &self,
        instance: &Instance,
        candidates: impl Iterator<Item = usize>,
    ) -> Vec<usize> {
        let mut counts = vec![0; self.short.len()];
        for j in candidates {
            if let Some(a) = instance.area_of[j] {
                counts[a] += 1;
            }
        }
        counts
    }
}
