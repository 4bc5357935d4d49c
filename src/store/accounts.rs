//! Accounts and their API tokens.
//!
//! A token reads `gm_<account id>_<64 hex digits>`: the id finds the account, and the SHA-256 digest of the secret
//! (32 random bytes), compared in constant time, proves it. Only the digest is stored; the token is shown once,
//! when the account is made. Nothing is cached, so an account added or revoked by another process counts at once.
//!
//! Why SHA-256 and not a password hash: argon2id and its kin are slow on purpose, to make guessing a
//! *low-entropy* password costly. A 256-bit random secret cannot be guessed however fast the hash, so slowness
//! buys nothing — and it cost every request with a bad token ~35 ms of CPU and ~19 MiB of memory, which let one
//! anonymous client exhaust the server. Digests written by earlier releases (argon2id PHC strings) are still
//! accepted, checked one at a time, and replaced by a SHA-256 digest the first time their token is used.

use std::fmt;
use std::str::FromStr;

use std::sync::{Mutex, PoisonError};

use argon2::password_hash::PasswordVerifier;
use argon2::{Argon2, PasswordHash};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{
    Store, StoreError, UnknownName, clean_text, now, optional_timestamp, parsed, timestamp,
};
use crate::domain::disclosure::Reader;
use crate::load::services::MAX_TEXT_CHARS;

/// Random bytes in a token's secret.
const SECRET_BYTES: usize = 32;
/// What every token starts with, so a leaked one is easy to recognise (and to scan for).
const TOKEN_PREFIX: &str = "gm_";
/// What a stored SHA-256 token digest starts with; anything else is an earlier release's argon2id string.
const DIGEST_PREFIX: &str = "sha256:";
/// Serialises checks of earlier releases' argon2id digests, so that however many requests name such an account,
/// at most one ~19 MiB argon2id check runs at a time.
static LEGACY_CHECK: Mutex<()> = Mutex::new(());

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Belongs to one organisation; submits new, changed and closed listings for that organisation only.
    Provider,
    /// Approves or rejects submissions, except those from their own organisation.
    Reviewer,
    /// A reviewer who also administers.
    Admin,
}

impl Role {
    /// The role as written in the database, the CLI and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Provider => "provider",
            Self::Reviewer => "reviewer",
            Self::Admin => "admin",
        }
    }

    /// Whether the role decides on submissions.
    pub fn reviews(self) -> bool {
        matches!(self, Self::Reviewer | Self::Admin)
    }
}

impl FromStr for Role {
    type Err = UnknownName;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim() {
            "provider" => Ok(Self::Provider),
            "reviewer" => Ok(Self::Reviewer),
            "admin" => Ok(Self::Admin),
            other => Err(UnknownName {
                given: other.to_owned(),
                expected: "provider, reviewer, admin",
            }),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An account, without its token hash (which never leaves this module).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    /// Numeric id, also the first part of the token.
    pub id: i64,
    /// A unique handle, if one was given.
    pub name: Option<String>,
    /// What it may do.
    pub role: Role,
    /// Its organisation: always set for a provider, optional otherwise.
    pub organisation: Option<String>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it was revoked; a revoked account's token no longer authenticates.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl Account {
    /// Its name, or `account <id>` when it has none.
    pub fn label(&self) -> String {
        self.name
            .clone()
            .unwrap_or_else(|| format!("account {}", self.id))
    }

    /// Whether it has been revoked.
    pub fn is_revoked(&self) -> bool {
        self.revoked_at.is_some()
    }

    /// Who this account is to the disclosure rule ([`crate::domain::disclosure`]).
    pub fn reader(&self) -> Reader<'_> {
        match (self.role, &self.organisation) {
            (Role::Reviewer | Role::Admin, _) => Reader::Reviewer,
            (Role::Provider, Some(organisation)) => Reader::Provider { organisation },
            // A provider always has an organisation (the schema checks it); without one it sees what anyone does.
            (Role::Provider, None) => Reader::Public,
        }
    }

    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: row.get("id")?,
            name: row.get("name")?,
            role: parsed(row, "role")?,
            organisation: row.get("organisation")?,
            created_at: timestamp(row, "created_at")?,
            revoked_at: optional_timestamp(row, "revoked_at")?,
        })
    }
}

/// What `accounts add` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    /// The role.
    pub role: Role,
    /// Organisation; required for a provider.
    pub organisation: Option<String>,
    /// Optional unique handle (not all digits, so it cannot be mistaken for an id).
    pub name: Option<String>,
}

/// A freshly made API token. Shown once; its `Debug` never prints it.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// The token text, for the one time it is handed to its owner.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// Why a token did not authenticate. The distinctions are for logs and tests; every one is a 401 to the client.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Not shaped like a gapmap token.
    #[error("malformed token")]
    Malformed,
    /// No account has the token's id.
    #[error("no such account")]
    UnknownAccount,
    /// The secret does not match the account's hash.
    #[error("wrong secret")]
    WrongSecret,
    /// The account was revoked.
    #[error("account revoked")]
    Revoked,
    /// The store failed while checking: a server fault, not the client's.
    #[error(transparent)]
    Store(#[from] StoreError),
}

const ACCOUNT_COLUMNS: &str = "id, name, role, organisation, created_at, revoked_at";

impl Store {
    /// Makes an account and returns it with its token, which exists nowhere else afterwards.
    pub fn add_account(&self, new: &NewAccount) -> Result<(Account, Token), StoreError> {
        let name = new
            .name
            .as_deref()
            .map(|n| clean_text("name", n, MAX_TEXT_CHARS, false))
            .transpose()?;
        if name
            .as_deref()
            .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()))
        {
            return Err(StoreError::invalid(
                "name",
                "must not be all digits (it would read as an account id)",
            ));
        }
        let organisation = new
            .organisation
            .as_deref()
            .map(|o| clean_text("organisation", o, MAX_TEXT_CHARS, false))
            .transpose()?;
        if new.role == Role::Provider && organisation.is_none() {
            return Err(StoreError::invalid(
                "organisation",
                "a provider account must belong to an organisation",
            ));
        }

        let mut secret = [0u8; SECRET_BYTES];
        rand::fill(&mut secret[..]);
        let secret = hex(&secret);
        let hash = digest(&secret);

        let account = self.write(|tx| {
            if let Some(name) = &name {
                let taken: bool = tx.query_row(
                    "SELECT EXISTS (SELECT 1 FROM accounts WHERE name = ?1)",
                    [name],
                    |row| row.get(0),
                )?;
                if taken {
                    return Err(StoreError::Conflict(format!(
                        "an account is already named `{name}`"
                    )));
                }
            }
            let id: i64 = tx.query_row(
                "INSERT INTO accounts (name, role, organisation, token_hash, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
                params![name, new.role.as_str(), organisation, hash, now()],
                |row| row.get(0),
            )?;
            account_by_id(tx, id)?
                .ok_or_else(|| StoreError::Corrupt(format!("account {id} vanished")))
        })?;
        let token = Token(format!("{TOKEN_PREFIX}{}_{secret}", account.id));
        Ok((account, token))
    }

    /// Revokes an account given its id or its name. Revoking twice keeps the first time.
    pub fn revoke_account(&self, id_or_name: &str) -> Result<Account, StoreError> {
        let key = id_or_name.trim();
        self.write(|tx| {
            let account = match key.parse::<i64>() {
                Ok(id) => account_by_id(tx, id)?,
                Err(_) => tx
                    .query_row(
                        &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE name = ?1"),
                        [key],
                        Account::from_row,
                    )
                    .optional()?,
            }
            .ok_or_else(|| StoreError::NotFound(format!("no account `{key}`")))?;
            tx.execute(
                "UPDATE accounts SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
                params![account.id, now()],
            )?;
            account_by_id(tx, account.id)?
                .ok_or_else(|| StoreError::Corrupt(format!("account {} vanished", account.id)))
        })
    }

    /// Every account, oldest first.
    pub fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare(&format!(
                "SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY id"
            ))?;
            let accounts = stmt
                .query_map([], Account::from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(accounts)
        })
    }

    /// The account a bearer token belongs to, if the token is genuine and the account not revoked. Costs one
    /// SHA-256 digest and one database read; a token of an account made by an earlier release costs one argon2id
    /// check (one at a time across the process), after which its digest is upgraded.
    pub fn authenticate(&self, token: &str) -> Result<Account, AuthError> {
        let (id, secret) = split_token(token).ok_or(AuthError::Malformed)?;
        let found = self.read(|conn| {
            conn.query_row(
                &format!("SELECT {ACCOUNT_COLUMNS}, token_hash FROM accounts WHERE id = ?1"),
                [id],
                |row| Ok((Account::from_row(row)?, row.get::<_, String>("token_hash")?)),
            )
            .optional()
            .map_err(StoreError::from)
        })?;
        let (account, stored) = found.ok_or(AuthError::UnknownAccount)?;
        if stored.starts_with(DIGEST_PREFIX) {
            let genuine: bool = digest(secret).as_bytes().ct_eq(stored.as_bytes()).into();
            if !genuine {
                return Err(AuthError::WrongSecret);
            }
        } else {
            self.check_legacy_digest(id, secret, &stored)?;
        }
        if account.is_revoked() {
            return Err(AuthError::Revoked);
        }
        Ok(account)
    }

    /// Checks `secret` against an earlier release's argon2id string and, when it matches, replaces the string by
    /// the secret's SHA-256 digest (only if nobody changed it meanwhile).
    fn check_legacy_digest(&self, id: i64, secret: &str, stored: &str) -> Result<(), AuthError> {
        let hash = PasswordHash::new(stored)
            .map_err(|e| StoreError::Corrupt(format!("token hash of account {id}: {e}")))?;
        {
            let _one_at_a_time = LEGACY_CHECK.lock().unwrap_or_else(PoisonError::into_inner);
            Argon2::default()
                .verify_password(secret.as_bytes(), &hash)
                .map_err(|_| AuthError::WrongSecret)?;
        }
        self.write(|tx| {
            tx.execute(
                "UPDATE accounts SET token_hash = ?2 WHERE id = ?1 AND token_hash = ?3",
                params![id, digest(secret), stored],
            )
        })
        .map_err(StoreError::from)?;
        Ok(())
    }
}

pub(super) fn account_by_id(conn: &Connection, id: i64) -> Result<Option<Account>, StoreError> {
    Ok(conn
        .query_row(
            &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = ?1"),
            [id],
            Account::from_row,
        )
        .optional()?)
}

/// Splits `gm_<id>_<secret>` into the id and the secret, or `None` when the token is not of that shape.
fn split_token(token: &str) -> Option<(i64, &str)> {
    let (id, secret) = token.trim().strip_prefix(TOKEN_PREFIX)?.split_once('_')?;
    let well_formed = !id.is_empty()
        && id.len() <= 18
        && id.bytes().all(|b| b.is_ascii_digit())
        && secret.len() == SECRET_BYTES * 2
        && secret
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if !well_formed {
        return None;
    }
    Some((id.parse().ok()?, secret))
}

/// The stored form of a token's secret: `sha256:` and the lowercase hex SHA-256 of its text.
fn digest(secret: &str) -> String {
    format!("{DIGEST_PREFIX}{}", hex(&Sha256::digest(secret.as_bytes())))
}

/// Lowercase hexadecimal.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_split_into_id_and_secret_only_when_well_formed() {
        let secret = "ab".repeat(32);
        assert_eq!(
            split_token(&format!("gm_12_{secret}")),
            Some((12, secret.as_str()))
        );
        assert_eq!(split_token(&format!("gm_x_{secret}")), None);
        assert_eq!(split_token(&format!("gm_12_{}", "AB".repeat(32))), None);
        assert_eq!(split_token(&format!("gm_12_{}", "ab".repeat(31))), None);
        assert_eq!(split_token(&format!("xx_12_{secret}")), None);
        assert_eq!(split_token("gm_"), None);
    }

    #[test]
    fn hex_is_two_lowercase_digits_per_byte() {
        assert_eq!(hex(&[0, 15, 255]), "000fff");
    }

    #[test]
    fn digests_are_sha256_of_the_secret_text() {
        // SHA-256 of "abc" (FIPS 180-2, appendix B.1).
        assert_eq!(
            digest("abc"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn token_debug_is_redacted() {
        let token = Token("gm_1_secret".into());
        assert!(!format!("{token:?}").contains("secret"));
    }
}
