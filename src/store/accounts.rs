//! Accounts: who may change the listings, in what role, for which organisation. Adding, revoking and listing them,
//! and finding the account a bearer token belongs to (the tokens themselves are in [`super::tokens`]). Nothing is
//! cached, so an account added or revoked by another process counts at once.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use super::tokens::{AuthError, Token, new_secret, split_token};
use super::{
    Store, StoreError, UnknownName, clean_text, now, optional_timestamp, parsed, timestamp,
};
use crate::domain::disclosure::Reader;
use crate::load::services::MAX_TEXT_CHARS;

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

        let (secret, hash) = new_secret();

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
        let token = Token::new(account.id, &secret);
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
        self.check_secret(id, secret, &stored)?;
        if account.is_revoked() {
            return Err(AuthError::Revoked);
        }
        Ok(account)
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
