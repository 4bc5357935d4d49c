//! Submissions as each reader may see them. Every position shown here goes through
//! [`disclosure`](crate::domain::disclosure::disclosure): a confidential listing's own position reaches only its
//! organisation's providers, and reviewers while they review that one submission; anyone else sees its published
//! point (its area's representative point), or nothing of another organisation's listing.

use geo::Point;
use serde::Serialize;

use crate::domain::disclosure::{Disclosure, Reader, View, disclosure};
use crate::domain::round_degrees;
use crate::domain::{Dataset, LocationPrecision};
use crate::load::ServiceRecord;
use crate::store::{FieldDiff, Review, ReviewWarning, Submission, SubmissionKind};

/// A record's precision as the disclosure rule reads it: anything but a valid `exact` counts as confidential.
fn precision(record: &ServiceRecord) -> LocationPrecision {
    LocationPrecision::parse(&record.location_precision).unwrap_or(LocationPrecision::Confidential)
}

/// `record` with `lat`/`lon` replaced by its published point: the representative point of the area its own
/// point lies in (six decimals), or empty when it lies in none.
pub fn at_published_point(record: &ServiceRecord, dataset: &Dataset) -> ServiceRecord {
    let own = record
        .lat
        .trim()
        .parse::<f64>()
        .ok()
        .zip(record.lon.trim().parse::<f64>().ok())
        .map(|(lat, lon)| Point::new(lon, lat));
    let published = own
        .and_then(|point| dataset.locate(point))
        .map(|area| dataset.areas()[area].representative_point);
    let (lat, lon) = published.map_or_else(Default::default, |p| {
        (
            round_degrees(p.y()).to_string(),
            round_degrees(p.x()).to_string(),
        )
    });
    ServiceRecord {
        lat,
        lon,
        ..record.clone()
    }
}

/// `record`, run by `owner`, as `reader` may see it in `view`: `None` when it may see nothing of it, and whether
/// its position was replaced by the published point.
pub fn shown(
    record: &ServiceRecord,
    owner: &str,
    reader: Reader<'_>,
    view: View,
    dataset: &Dataset,
) -> Option<(ServiceRecord, bool)> {
    match disclosure(reader, view, owner, precision(record)) {
        Disclosure::Nothing => None,
        Disclosure::Published => Some((at_published_point(record, dataset), true)),
        Disclosure::Everything => Some((record.clone(), false)),
    }
}

/// A submission as its reader may see it.
#[derive(Debug, Serialize)]
pub struct SubmissionView {
    /// The submission; `proposed` at its published point when `position_withheld`.
    #[serde(flatten)]
    pub submission: Submission,
    /// True when `proposed.lat`/`lon` are the published point, not the position proposed.
    pub position_withheld: bool,
}

/// `submission` as `reader` may see it in `view`. Its owner is the submitting organisation, which proposed it.
pub fn submission_view(
    submission: &Submission,
    reader: Reader<'_>,
    view: View,
    dataset: &Dataset,
) -> SubmissionView {
    let (proposed, position_withheld) = shown(
        &submission.proposed,
        &submission.organisation,
        reader,
        view,
        dataset,
    )
    // Nothing of it: only reachable by a reader the store already refused; show the public part all the same.
    .unwrap_or_else(|| (at_published_point(&submission.proposed, dataset), true));
    SubmissionView {
        submission: Submission {
            proposed,
            ..submission.clone()
        },
        position_withheld,
    }
}

/// One submission opened for review: `GET /api/submissions/{id}`.
#[derive(Debug, Serialize)]
pub struct ReviewView {
    /// The submission.
    pub submission: SubmissionView,
    /// Field by field against the current listing; `current` is null throughout when `current_withheld`.
    pub diff: Vec<FieldDiff>,
    /// True when the current listing belongs to another organisation, so nothing of it is shown.
    pub current_withheld: bool,
    /// What approving it would do that the reviewer must acknowledge.
    pub warnings: Vec<ReviewWarning>,
}

/// `review` as `reader` may see it.
pub fn review_view(review: &Review, reader: Reader<'_>, dataset: &Dataset) -> ReviewView {
    let submission = submission_view(&review.submission, reader, View::SubmissionReview, dataset);
    let current = review.current.as_ref().map(|listing| {
        shown(
            &listing.record,
            &listing.record.provider,
            reader,
            View::SubmissionReview,
            dataset,
        )
    });
    let current_withheld = matches!(current, Some(None));
    let current = current.flatten().map(|(record, _)| record);
    let proposed = (review.submission.kind != SubmissionKind::Closure)
        .then_some(&submission.submission.proposed);
    ReviewView {
        diff: FieldDiff::between(current.as_ref(), proposed),
        submission,
        current_withheld,
        warnings: review.warnings.clone(),
    }
}
