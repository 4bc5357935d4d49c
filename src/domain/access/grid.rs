//! The access sample grid of one area, found by scanlines: each grid row is crossed with the boundary's edges
//! once, and the cells whose centres fall between crossings are inside. The same points as testing every cell
//! centre of the bounding box with point-in-polygon, at a cost proportional to the boundary plus the points.

use geo::{BoundingRect, Contains, CoordsIter, MultiPolygon, Point, Polygon};

/// Cell centres this close (in degrees, about 0.1 mm) to a crossing are settled by exact point-in-polygon instead
/// of by the scanline, whose crossings carry rounding error.
const TIE_DEGREES: f64 = 1e-9;

/// Metres per degree of latitude and of longitude at latitude `lat_deg` on the WGS84 ellipsoid
/// (the standard series expansion, accurate to about a centimetre).
fn metres_per_degree(lat_deg: f64) -> (f64, f64) {
    let phi = lat_deg.to_radians();
    let lat = 111_132.954 - 559.822 * (2.0 * phi).cos() + 1.175 * (4.0 * phi).cos();
    let lon = 111_412.84 * phi.cos() - 93.5 * (3.0 * phi).cos() + 0.118 * (5.0 * phi).cos();
    (lat, lon)
}

/// A run of inside cells in one row: columns `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// The row.
    pub row: usize,
    /// First column inside.
    pub start: usize,
    /// One past the last column inside.
    pub end: usize,
}

/// The sample points of one area: the cell centres of a regular grid `spacing_km` apart in ground distance (degree
/// steps taken at the middle latitude of the area's bounding box) that lie inside the area, or its representative
/// point alone when no centre does.
#[derive(Debug, Clone, PartialEq)]
pub enum SampleGrid {
    /// Cell centres inside the area, as runs of columns row by row.
    Cells(CellGrid),
    /// The area holds no cell centre: its representative point stands in.
    Single(Point<f64>),
}

/// The geometry of a grid and its inside runs.
#[derive(Debug, Clone, PartialEq)]
pub struct CellGrid {
    min_lon: f64,
    min_lat: f64,
    step_lon: f64,
    step_lat: f64,
    rows: usize,
    cols: usize,
    spans: Vec<Span>,
}

impl CellGrid {
    /// Latitude of row `row`'s cell centres.
    pub fn lat(&self, row: usize) -> f64 {
        self.min_lat + (row as f64 + 0.5) * self.step_lat
    }

    /// Longitude of column `col`'s cell centres.
    pub fn lon(&self, col: usize) -> f64 {
        self.min_lon + (col as f64 + 0.5) * self.step_lon
    }

    /// Number of rows of the bounding grid.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns of the bounding grid.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// The inside runs, by row then column.
    pub fn spans(&self) -> &[Span] {
        &self.spans
    }
}

impl SampleGrid {
    /// The grid of `boundary` at `spacing_km`, with `fallback` standing in when no cell centre is inside.
    pub fn new(boundary: &MultiPolygon<f64>, spacing_km: f64, fallback: Point<f64>) -> Self {
        let Some(rect) = boundary.bounding_rect() else {
            return Self::Single(fallback);
        };
        let (per_lat, per_lon) = metres_per_degree(rect.center().y);
        let step_lat = spacing_km * 1000.0 / per_lat;
        let step_lon = spacing_km * 1000.0 / per_lon;
        let mut grid = CellGrid {
            min_lon: rect.min().x,
            min_lat: rect.min().y,
            step_lon,
            step_lat,
            rows: ((rect.height() / step_lat).ceil() as usize).max(1),
            cols: ((rect.width() / step_lon).ceil() as usize).max(1),
            spans: Vec::new(),
        };
        grid.spans = inside_spans(&grid, boundary);
        if grid.spans.is_empty() {
            Self::Single(fallback)
        } else {
            Self::Cells(grid)
        }
    }

    /// Number of sample points.
    pub fn len(&self) -> usize {
        match self {
            Self::Cells(grid) => grid.spans.iter().map(|s| s.end - s.start).sum(),
            Self::Single(_) => 1,
        }
    }

    /// Never empty: an area always has at least its representative point.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Every sample point, row by row from the south, west to east.
    pub fn points(&self) -> Vec<Point<f64>> {
        match self {
            Self::Cells(grid) => grid
                .spans
                .iter()
                .flat_map(|s| {
                    (s.start..s.end).map(move |col| Point::new(grid.lon(col), grid.lat(s.row)))
                })
                .collect(),
            Self::Single(point) => vec![*point],
        }
    }
}

/// The runs of cells of `grid` whose centres lie inside `boundary` (inside any of its polygons, off its edges).
fn inside_spans(grid: &CellGrid, boundary: &MultiPolygon<f64>) -> Vec<Span> {
    let mut inside = vec![false; grid.cols];
    let mut doubtful: Vec<usize> = Vec::new();
    let crossings_by_polygon: Vec<Vec<(usize, f64)>> = boundary
        .0
        .iter()
        .map(|polygon| crossings(grid, polygon))
        .collect();
    let mut cursors = vec![0usize; crossings_by_polygon.len()];
    let mut spans = Vec::new();
    for row in 0..grid.rows {
        inside.fill(false);
        doubtful.clear();
        for (crossings, cursor) in crossings_by_polygon.iter().zip(&mut cursors) {
            let begin = *cursor;
            while *cursor < crossings.len() && crossings[*cursor].0 == row {
                *cursor += 1;
            }
            // Even–odd within one polygon (its exterior and holes); union across polygons.
            for pair in crossings[begin..*cursor].chunks_exact(2) {
                mark_between(grid, pair[0].1, pair[1].1, &mut inside, &mut doubtful);
            }
        }
        let lat = grid.lat(row);
        for &col in &doubtful {
            inside[col] = boundary.contains(&Point::new(grid.lon(col), lat));
        }
        let mut col = 0;
        while col < grid.cols {
            if inside[col] {
                let start = col;
                while col < grid.cols && inside[col] {
                    col += 1;
                }
                spans.push(Span {
                    row,
                    start,
                    end: col,
                });
            } else {
                col += 1;
            }
        }
    }
    spans
}

/// Marks the columns whose centres lie strictly between longitudes `west` and `east`; columns within
/// [`TIE_DEGREES`] of either are left to exact point-in-polygon.
fn mark_between(
    grid: &CellGrid,
    west: f64,
    east: f64,
    inside: &mut [bool],
    doubtful: &mut Vec<usize>,
) {
    let column_near = |lon: f64| ((lon - grid.min_lon) / grid.step_lon - 0.5).floor();
    let first = (column_near(west) - 1.0).max(0.0) as usize;
    let last = ((column_near(east) + 2.0).max(0.0) as usize).min(grid.cols);
    for (col, cell) in inside.iter_mut().enumerate().take(last).skip(first) {
        let lon = grid.lon(col);
        if (lon - west).abs() <= TIE_DEGREES || (lon - east).abs() <= TIE_DEGREES {
            doubtful.push(col);
        } else if lon > west && lon < east {
            *cell = true;
        }
    }
}

/// Where each grid row crosses the rings of `polygon`, as `(row, longitude)` sorted by row then longitude. An edge
/// crosses the rows whose latitude y has `low ≤ y < high` for its end latitudes `low < high` (so a vertex on a
/// row is counted once, and horizontal edges never).
fn crossings(grid: &CellGrid, polygon: &Polygon<f64>) -> Vec<(usize, f64)> {
    let mut found = Vec::with_capacity(polygon.coords_count());
    let rings = std::iter::once(polygon.exterior()).chain(polygon.interiors());
    for ring in rings {
        for edge in ring.lines() {
            let (p, q) = (edge.start, edge.end);
            if p.y == q.y {
                continue;
            }
            let (low, high) = if p.y < q.y { (p.y, q.y) } else { (q.y, p.y) };
            let mut row = (((low - grid.min_lat) / grid.step_lat - 0.5).ceil().max(0.0) as usize)
                .saturating_sub(1);
            while row < grid.rows && grid.lat(row) < low {
                row += 1;
            }
            while row < grid.rows && grid.lat(row) < high {
                let y = grid.lat(row);
                found.push((row, p.x + (y - p.y) * (q.x - p.x) / (q.y - p.y)));
                row += 1;
            }
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Contains, polygon};

    /// The definition the scanline must reproduce: every cell centre of the bounding grid tested on its own.
    fn by_point_in_polygon(boundary: &MultiPolygon<f64>, spacing_km: f64) -> Vec<Point<f64>> {
        let SampleGrid::Cells(grid) = SampleGrid::new(boundary, spacing_km, Point::new(0.0, 0.0))
        else {
            return Vec::new();
        };
        let mut points = Vec::new();
        for row in 0..grid.rows() {
            for col in 0..grid.cols() {
                let point = Point::new(grid.lon(col), grid.lat(row));
                if boundary.contains(&point) {
                    points.push(point);
                }
            }
        }
        points
    }

    #[test]
    fn scanline_finds_exactly_the_inside_cell_centres() {
        // A concave polygon with a hole, and a separate island, at 51°N: vertices on grid rows and off them.
        let shape = MultiPolygon(vec![
            polygon!(
                exterior: [(x: 0.0, y: 51.0), (x: 0.1, y: 51.0), (x: 0.1, y: 51.08), (x: 0.05, y: 51.03),
                           (x: 0.0, y: 51.08), (x: 0.0, y: 51.0)],
                interiors: [[(x: 0.02, y: 51.005), (x: 0.04, y: 51.005), (x: 0.03, y: 51.02), (x: 0.02, y: 51.005)]],
            ),
            polygon![(x: 0.2, y: 51.1), (x: 0.23, y: 51.1), (x: 0.215, y: 51.12), (x: 0.2, y: 51.1)],
        ]);
        for spacing in [0.25, 0.1, 1.0] {
            let grid = SampleGrid::new(&shape, spacing, Point::new(0.01, 51.01));
            let expected = by_point_in_polygon(&shape, spacing);
            assert!(!expected.is_empty());
            assert_eq!(grid.points(), expected, "spacing {spacing}");
            assert_eq!(grid.len(), expected.len());
        }
    }

    #[test]
    fn a_sliver_too_thin_for_any_centre_falls_back_to_its_point() {
        let sliver = MultiPolygon(vec![polygon![
            (x: 0.0, y: 51.0), (x: 0.0001, y: 51.0), (x: 0.0001, y: 51.1), (x: 0.0, y: 51.1)
        ]]);
        let fallback = Point::new(0.00005, 51.05);
        assert_eq!(
            SampleGrid::new(&sliver, 0.25, fallback),
            SampleGrid::Single(fallback)
        );
        assert_eq!(
            SampleGrid::new(&sliver, 0.25, fallback).points(),
            vec![fallback]
        );
    }
}
