//! The cost of reaching each supply site (or candidate) from each demand point, as a sparse matrix: only pairs
//! within the largest cost that matters are ever computed or stored.

mod geodesic;

/// Costs from origins (rows: demand points) to destinations (columns: sites or candidates), keeping only the
/// pairs whose cost is at most the matrix's limit. Rows are stored one after another (compressed sparse rows),
/// each sorted by destination.
#[derive(Debug, Clone, PartialEq)]
pub struct CostMatrix {
    destinations: usize,
    starts: Vec<usize>,
    columns: Vec<u32>,
    costs: Vec<f64>,
}

/// Why entries cannot form a cost matrix.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CostProblem {
    /// An entry names an origin or destination beyond those given.
    #[error("entry {entry}: origin {origin} or destination {destination} is out of range")]
    OutOfRange {
        /// Position of the entry.
        entry: usize,
        /// Origin position.
        origin: usize,
        /// Destination position.
        destination: usize,
    },
    /// A cost is negative, infinite or not a number.
    #[error("entry {entry}: cost {cost} is not a finite number ≥ 0")]
    BadCost {
        /// Position of the entry.
        entry: usize,
        /// The cost given.
        cost: f64,
    },
    /// The same origin and destination appear twice.
    #[error("entries {first} and {second} give the same origin and destination")]
    Duplicate {
        /// Position of the first entry.
        first: usize,
        /// Position of the repeat.
        second: usize,
    },
}

impl CostMatrix {
    /// A matrix of `origins` × `destinations` from `(origin, destination, cost)` entries (e.g. a cost file's
    /// rows, any unit), keeping those with cost ≤ `max_cost`. Pairs not given are unreachable.
    ///
    /// ```
    /// use gapmap::domain::planning::CostMatrix;
    /// let costs = CostMatrix::from_entries(2, 2, &[(0, 1, 5.0), (1, 0, 40.0), (0, 0, 0.0)], 30.0).unwrap();
    /// assert_eq!(costs.row(0).collect::<Vec<_>>(), [(0, 0.0), (1, 5.0)]);
    /// assert_eq!(costs.row(1).count(), 0);
    /// assert!(CostMatrix::from_entries(1, 1, &[(0, 0, f64::NAN)], 30.0).is_err());
    /// ```
    pub fn from_entries(
        origins: usize,
        destinations: usize,
        entries: &[(usize, usize, f64)],
        max_cost: f64,
    ) -> Result<Self, CostProblem> {
        let mut rows: Vec<Vec<(u32, f64, usize)>> = vec![Vec::new(); origins];
        for (entry, &(origin, destination, cost)) in entries.iter().enumerate() {
            if origin >= origins || destination >= destinations {
                return Err(CostProblem::OutOfRange {
                    entry,
                    origin,
                    destination,
                });
            }
            if !(cost.is_finite() && cost >= 0.0) {
                return Err(CostProblem::BadCost { entry, cost });
            }
            rows[origin].push((destination as u32, cost, entry));
        }
        let mut kept = Vec::with_capacity(origins);
        for mut row in rows {
            row.sort_by_key(|&(destination, _, entry)| (destination, entry));
            if let Some(pair) = row.windows(2).find(|pair| pair[0].0 == pair[1].0) {
                return Err(CostProblem::Duplicate {
                    first: pair[0].2,
                    second: pair[1].2,
                });
            }
            kept.push(
                row.into_iter()
                    .filter(|&(_, cost, _)| cost <= max_cost)
                    .map(|(destination, cost, _)| (destination, cost))
                    .collect(),
            );
        }
        Ok(Self::from_rows(destinations, kept))
    }

    fn from_rows(destinations: usize, rows: Vec<Vec<(u32, f64)>>) -> Self {
        let total = rows.iter().map(Vec::len).sum();
        let mut starts = Vec::with_capacity(rows.len() + 1);
        let mut columns = Vec::with_capacity(total);
        let mut costs = Vec::with_capacity(total);
        starts.push(0);
        for row in rows {
            for (destination, cost) in row {
                columns.push(destination);
                costs.push(cost);
            }
            starts.push(columns.len());
        }
        Self {
            destinations,
            starts,
            columns,
            costs,
        }
    }

    /// Number of origins (rows).
    pub fn origins(&self) -> usize {
        self.starts.len() - 1
    }

    /// Number of destinations (columns).
    pub fn destinations(&self) -> usize {
        self.destinations
    }

    /// Number of stored (reachable) pairs.
    pub fn len(&self) -> usize {
        self.columns.len()
    }

    /// Whether no pair is reachable.
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    /// The reachable destinations of `origin` with their costs, by destination position.
    pub fn row(&self, origin: usize) -> impl ExactSizeIterator<Item = (usize, f64)> + '_ {
        let range = self.starts[origin]..self.starts[origin + 1];
        self.columns[range.clone()]
            .iter()
            .zip(&self.costs[range])
            .map(|(&destination, &cost)| (destination as usize, cost))
    }

    /// The same costs seen from the destinations: row `j` of the transpose lists the origins that reach
    /// destination `j`, by origin position.
    pub fn transpose(&self) -> Self {
        // A counting sort by destination: count each column, turn the counts into row starts, then place every
        // entry; origins are visited in order, so each new row comes out sorted by origin.
        let mut starts = vec![0usize; self.destinations + 1];
        for &destination in &self.columns {
            starts[destination as usize + 1] += 1;
        }
        for j in 0..self.destinations {
            starts[j + 1] += starts[j];
        }
        let mut next = starts.clone();
        let mut columns = vec![0u32; self.columns.len()];
        let mut costs = vec![0.0; self.costs.len()];
        for origin in 0..self.origins() {
            for at in self.starts[origin]..self.starts[origin + 1] {
                let slot = &mut next[self.columns[at] as usize];
                columns[*slot] = origin as u32;
                costs[*slot] = self.costs[at];
                *slot += 1;
            }
        }
        Self {
            destinations: self.origins(),
            starts,
            columns,
            costs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spatial::ellipsoid::FAST_DISTANCE_MAX_RELATIVE_ERROR;
    use crate::spatial::geodesic_km;
    use geo::Point;

    #[test]
    fn geodesic_rows_hold_exactly_the_pairs_within_reach() {
        let mut seed = 0x51_7CC1_B727_220Au64;
        let mut next = || crate::spatial::test_uniform(&mut seed);
        let origins: Vec<Point<f64>> = (0..200)
            .map(|_| Point::new(-0.5 + next() * 0.8, 51.3 + next() * 0.4))
            .collect();
        let sites: Vec<Point<f64>> = (0..80)
            .map(|_| Point::new(-0.5 + next() * 0.8, 51.3 + next() * 0.4))
            .collect();
        let costs = CostMatrix::geodesic_km(&origins, &sites, 12.0, &[5.0]);
        for (i, &origin) in origins.iter().enumerate() {
            let expected: Vec<usize> = (0..sites.len())
                .filter(|&j| geodesic_km(origin, sites[j]) <= 12.0)
                .collect();
            let row: Vec<(usize, f64)> = costs.row(i).collect();
            assert_eq!(row.iter().map(|r| r.0).collect::<Vec<_>>(), expected);
            for (j, km) in row {
                let exact = geodesic_km(origin, sites[j]);
                assert!((km - exact).abs() <= FAST_DISTANCE_MAX_RELATIVE_ERROR * exact);
                assert_eq!(km <= 5.0, exact <= 5.0);
            }
        }
        let transpose = costs.transpose();
        assert_eq!(transpose.len(), costs.len());
        assert_eq!(transpose.transpose(), costs);
    }

    #[test]
    fn a_pair_exactly_at_a_threshold_is_measured_exactly() {
        use geo::{Destination, Geodesic};
        let origin = Point::new(-0.1, 51.5);
        let at_ten = Geodesic.destination(origin, 37.0, 10_000.0);
        let costs = CostMatrix::geodesic_km(&[origin], &[at_ten], 10.0, &[]);
        let row: Vec<(usize, f64)> = costs.row(0).collect();
        assert_eq!(row.len(), 1);
        assert_eq!(row[0].1, geodesic_km(origin, at_ten));
    }

    #[test]
    fn duplicate_and_out_of_range_entries_are_refused() {
        assert_eq!(
            CostMatrix::from_entries(1, 1, &[(0, 0, 1.0), (0, 0, 2.0)], 9.0),
            Err(CostProblem::Duplicate {
                first: 0,
                second: 1
            })
        );
        assert!(matches!(
            CostMatrix::from_entries(1, 1, &[(0, 1, 1.0)], 9.0),
            Err(CostProblem::OutOfRange { .. })
        ));
        assert!(matches!(
            CostMatrix::from_entries(1, 1, &[(0, 0, -1.0)], 9.0),
            Err(CostProblem::BadCost { .. })
        ));
    }
}
