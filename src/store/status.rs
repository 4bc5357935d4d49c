//! What a submission proposes (`new`, `change`, `closure`) and where it is in review (`pending`, `approved`,
//! `rejected`), as written in the database and JSON.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::UnknownName;

/// Declares an enum whose values are written as names: the enum, `as_str`, `FromStr` (naming the accepted values
/// when refusing one) and `Display`, from one list of `Variant = "name"`.
macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$doc:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$doc])* $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &[Self] = &[$(Self::$variant),+];

            /// The value as written in the database and JSON.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }
        }

        impl FromStr for $name {
            type Err = UnknownName;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|value| value.as_str() == text)
                    .ok_or_else(|| UnknownName {
                        given: text.to_owned(),
                        expected: concat!($($text, ", "),+).trim_end_matches(", "),
                    })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

named_enum! {
    /// What a submission proposes.
    SubmissionKind {
        /// A listing that does not exist yet.
        New = "new",
        /// New values for some or all fields of an existing listing.
        Change = "change",
        /// Remove an existing listing from the map (its history is kept).
        Closure = "closure",
    }
}

named_enum! {
    /// Where a submission is in review.
    SubmissionStatus {
        /// Awaiting a reviewer.
        Pending = "pending",
        /// Approved: its record became current.
        Approved = "approved",
        /// Rejected, with a comment.
        Rejected = "rejected",
    }
}
