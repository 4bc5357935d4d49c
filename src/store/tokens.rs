//! API tokens: how they are made, how a presented one is checked, and how an earlier release's digest is upgraded.
//!
//! A token reads `gm_<account id>_<64 hex digits>`: the id finds the account, and the SHA-256 digest of the secret
//! (32 random bytes), compared in constant time, proves it. Only the digest is stored; the token is shown once,
//! when the account is made.
//!
//! Why SHA-256 and not a password hash: argon2id and its kin are slow on purpose, to make guessing a
//! *low-entropy* password costly. A 256-bit random secret cannot be guessed however fast the hash, so slowness
//! buys nothing — and it cost every request with a bad token ~35 ms of CPU and ~19 MiB of memory, which let one
//! anonymous client exhaust the server. Digests written by earlier releases (argon2id PHC strings) are still
//! accepted, checked one at a time, and replaced by a SHA-256 digest the first time their token is used.

use std::fmt;
use std::sync::{Mutex, PoisonError};

use argon2::password_hash::PasswordVerifier;
use argon2::{Argon2, PasswordHash};
use rusqlite::params;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{Store, StoreError};

/// Random bytes in a token's secret.
const SECRET_BYTES: usize = 32;
/// What every token starts with, so a leaked one is easy to recognise (and to scan for).
const TOKEN_PREFIX: &str = "gm_";
/// What a stored SHA-256 token digest starts with; anything else is an earlier release's argon2id string.
const DIGEST_PREFIX: &str = "sha256:";
/// Serialises checks of earlier releases' argon2id digests, so that however many requests name such an account,
/// at most one ~19 MiB argon2id check runs at a time.
static LEGACY_CHECK: Mutex<()> = Mutex::new(());

/// A freshly made API token. Shown once; its `Debug` never prints it.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// The token of account `id` with `secret` (from [`new_secret`]): `gm_<id>_<secret>`.
    pub(super) fn new(id: i64, secret: &str) -> Self {
        Self(format!("{TOKEN_PREFIX}{id}_{secret}"))
    }

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

impl Store {
    /// Checks `secret`, from a token of account `id`, against the account's stored digest `stored`: a SHA-256
    /// digest in constant time, or an earlier release's argon2id string (see [`Self::check_legacy_digest`]).
    pub(super) fn check_secret(
        &self,
        id: i64,
        secret: &str,
        stored: &str,
    ) -> Result<(), AuthError> {
        if stored.starts_with(DIGEST_PREFIX) {
            let genuine: bool = digest(secret).as_bytes().ct_eq(stored.as_bytes()).into();
            genuine.then_some(()).ok_or(AuthError::WrongSecret)
        } else {
            self.check_legacy_digest(id, secret, stored)
        }
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

/// A new token secret (the lowercase hex of [`SECRET_BYTES`] random bytes) and the digest stored for it.
pub(super) fn new_secret() -> (String, String) {
    let mut secret = [0u8; SECRET_BYTES];
    rand::fill(&mut secret[..]);
    let secret = hex(&secret);
    let digest = digest(&secret);
    (secret, digest)
}

/// Splits `gm_<id>_<secret>` into the id and the secret, or `None` when the token is not of that shape.
pub(super) fn split_token(token: &str) -> Option<(i64, &str)> {
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
