//! A listing as it is entered: the rules it must meet beyond its fields' syntax ([`ListingRules`]).

use chrono::NaiveDate;

use super::FieldProblem;

/// The rules a listing must meet when it is entered (read from a listings file, submitted, or approved), beyond
/// its fields' syntax. A stored listing met them when it was entered and is not checked again, so the clock
/// alone never makes a stored listing invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListingRules {
    /// The date of entry; `last_verified` may not be after it. The caller supplies it, so the domain reads no
    /// clock.
    pub today: NaiveDate,
}

impl ListingRules {
    /// The problem with a `last_verified` date, if it is after today.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use gapmap::domain::ListingRules;
    /// let rules = ListingRules { today: NaiveDate::from_ymd_opt(2026, 6, 1).unwrap() };
    /// assert_eq!(rules.check_last_verified(NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()), None);
    /// let (field, message) = rules.check_last_verified(NaiveDate::from_ymd_opt(2026, 6, 2).unwrap()).unwrap();
    /// assert_eq!(field, "last_verified");
    /// assert_eq!(message, "2026-06-02 is after today (2026-06-01)");
    /// ```
    pub fn check_last_verified(&self, last_verified: NaiveDate) -> Option<FieldProblem> {
        (last_verified > self.today).then(|| {
            (
                "last_verified",
                format!(
                    "{} is after today ({})",
                    last_verified.format("%Y-%m-%d"),
                    self.today.format("%Y-%m-%d")
                ),
            )
        })
    }
}
