//! What a submission proposes (`new`, `change`, `closure`) and where it is in review (`pending`, `approved`,
//! `rejected`), as written in the database and JSON.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::UnknownName;

/// What a submission proposes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubmissionKind {
    /// A listing that does not exist yet.
    New,
    /// New values for some or all fields of an existing listing.
    Change,
    /// Remove an existing listing from the map (its history is kept).
    Closure,
}

impl SubmissionKind {
    /// The kind as written in the database and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Change => "change",
            Self::Closure => "closure",
        }
    }
}

impl FromStr for SubmissionKind {
    type Err = UnknownName;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "new" => Ok(Self::New),
            "change" => Ok(Self::Change),
            "closure" => Ok(Self::Closure),
            other => Err(UnknownName {
                given: other.to_owned(),
                expected: "new, change, closure",
            }),
        }
    }
}

impl fmt::Display for SubmissionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a submission is in review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubmissionStatus {
    /// Awaiting a reviewer.
    Pending,
    /// Approved: its record became current.
    Approved,
    /// Rejected, with a comment.
    Rejected,
}

impl SubmissionStatus {
    /// The status as written in the database and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
        }
    }
}

impl FromStr for SubmissionStatus {
    type Err = UnknownName;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "pending" => Ok(Self::Pending),
            "approved" => Ok(Self::Approved),
            "rejected" => Ok(Self::Rejected),
            other => Err(UnknownName {
                given: other.to_owned(),
                expected: "pending, approved, rejected",
            }),
        }
    }
}
