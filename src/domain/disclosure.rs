//! Who may see a site's own position. Refuges and most rape crisis centres keep their addresses secret because a
//! perpetrator who finds one can kill, so this is one rule, decided here and nowhere else: every view that can
//! show a position (the public map and exports, the listing history, the submissions and their review) asks
//! [`may_see_position`], and shows the site's published point (its area's representative point) when the answer
//! is no.

use super::LocationPrecision;

/// Who is reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader<'a> {
    /// No account, or any answer that is the same for everyone (the map, the exports, the history).
    Public,
    /// A provider account, which belongs to `organisation`.
    Provider {
        /// The account's organisation, exactly as listings name it in `provider`.
        organisation: &'a str,
    },
    /// A reviewer or admin account.
    Reviewer,
}

/// Where a position would be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// A public answer: `/api/services`, `/api/nearest`, `/api/areas`, the exports, a listing's history.
    Public,
    /// A list of submissions (`GET /api/submissions`).
    SubmissionList,
    /// One submission opened for review: its detail, its diff and the answer to deciding it.
    SubmissionReview,
}

/// How much of a listing a reader may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disclosure {
    /// Nothing of it: another organisation's listing in a submission's diff.
    Nothing,
    /// Its fields at its published point: for a confidential site, its area's representative point.
    Published,
    /// Everything, its own position included.
    Everything,
}

/// How much `reader` may see, in `view`, of a listing run by `owner` whose location precision is `precision`.
///
/// Public views show every listing, at its own position when `exact` and at its published point when
/// `confidential`. In the submission views a provider sees its own organisation's listings whole and nothing of
/// another's; a reviewer or admin sees a confidential position only while reviewing one submission, and the
/// published point in lists. The owner is matched exactly (after trimming), as listings are owned: a differently
/// spelt organisation is another organisation.
///
/// ```
/// use gapmap::domain::LocationPrecision::{Confidential, Exact};
/// use gapmap::domain::disclosure::{Disclosure, Reader, View, disclosure};
/// let owner = Reader::Provider { organisation: "Refuge Trust" };
/// let other = Reader::Provider { organisation: "Someone Else" };
/// assert_eq!(disclosure(owner, View::SubmissionList, "Refuge Trust", Confidential), Disclosure::Everything);
/// assert_eq!(disclosure(other, View::SubmissionReview, "Refuge Trust", Exact), Disclosure::Nothing);
/// assert_eq!(disclosure(Reader::Reviewer, View::SubmissionList, "Refuge Trust", Confidential), Disclosure::Published);
/// assert_eq!(disclosure(Reader::Reviewer, View::SubmissionReview, "Refuge Trust", Confidential), Disclosure::Everything);
/// assert_eq!(disclosure(owner, View::Public, "Refuge Trust", Confidential), Disclosure::Published);
/// ```
pub fn disclosure(
    reader: Reader<'_>,
    view: View,
    owner: &str,
    precision: LocationPrecision,
) -> Disclosure {
    let exact = precision == LocationPrecision::Exact;
    match (view, reader) {
        (View::Public, _) if exact => Disclosure::Everything,
        (View::Public, _) => Disclosure::Published,
        (_, Reader::Public) => Disclosure::Nothing,
        (_, Reader::Provider { organisation }) if organisation.trim() == owner.trim() => {
            Disclosure::Everything
        }
        (_, Reader::Provider { .. }) => Disclosure::Nothing,
        (View::SubmissionReview, Reader::Reviewer) => Disclosure::Everything,
        (View::SubmissionList, Reader::Reviewer) if exact => Disclosure::Everything,
        (View::SubmissionList, Reader::Reviewer) => Disclosure::Published,
    }
}

/// Whether `reader` may see, in `view`, the own position of a listing run by `owner` with `precision`: whether
/// [`disclosure`] shows [`Disclosure::Everything`].
pub fn may_see_position(
    reader: Reader<'_>,
    view: View,
    owner: &str,
    precision: LocationPrecision,
) -> bool {
    disclosure(reader, view, owner, precision) == Disclosure::Everything
}

/// The precision a listing's every version is shown with: `confidential` if any of `precisions` (its current
/// value and every version in its history) ever was, so that a listing once confidential never has a past position
/// revealed by a later change to `exact`.
///
/// ```
/// use gapmap::domain::LocationPrecision::{Confidential, Exact};
/// use gapmap::domain::disclosure::strictest;
/// assert_eq!(strictest([Exact, Confidential, Exact]), Confidential);
/// assert_eq!(strictest([Exact]), Exact);
/// ```
pub fn strictest(precisions: impl IntoIterator<Item = LocationPrecision>) -> LocationPrecision {
    if precisions
        .into_iter()
        .any(|p| p == LocationPrecision::Confidential)
    {
        LocationPrecision::Confidential
    } else {
        LocationPrecision::Exact
    }
}

#[cfg(test)]
mod tests {
    use super::LocationPrecision::{Confidential, Exact};
    use super::*;

    /// Every reader × view × precision, for a listing owned by "Owner".
    #[test]
    fn the_whole_table() {
        use Disclosure::{Everything as All, Nothing as No, Published as Pub};
        let readers = [
            ("public", Reader::Public),
            (
                "owner",
                Reader::Provider {
                    organisation: "Owner",
                },
            ),
            (
                "other",
                Reader::Provider {
                    organisation: "Other",
                },
            ),
            (
                "owner, other case",
                Reader::Provider {
                    organisation: "owner",
                },
            ),
            ("reviewer", Reader::Reviewer),
        ];
        let views = [
            ("public", View::Public),
            ("list", View::SubmissionList),
            ("review", View::SubmissionReview),
        ];
        // Rows: readers in the order above; columns: (exact, confidential) for each view in the order above.
        let expected = [
            [(All, Pub), (No, No), (No, No)],
            [(All, Pub), (All, All), (All, All)],
            [(All, Pub), (No, No), (No, No)],
            [(All, Pub), (No, No), (No, No)],
            [(All, Pub), (All, Pub), (All, All)],
        ];
        for (r, (reader_name, reader)) in readers.into_iter().enumerate() {
            for (v, (view_name, view)) in views.into_iter().enumerate() {
                let (exact, confidential) = expected[r][v];
                assert_eq!(
                    disclosure(reader, view, " Owner ", Exact),
                    exact,
                    "{reader_name}, {view_name}, exact"
                );
                assert_eq!(
                    disclosure(reader, view, " Owner ", Confidential),
                    confidential,
                    "{reader_name}, {view_name}, confidential"
                );
            }
        }
    }
}
