//! Rate limits: a token bucket per client address for failed authentication, and one per account for writes, so
//! that no one client can make the server do unbounded work. Buckets live in memory; a restart forgets them.
//!
//! Hand-written rather than taken from a crate because failed authentication must be *charged only when it
//! fails* but *checked before* the token is looked at — a peek-then-charge that the usual limiter crates, which
//! only check-and-consume, do not offer.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Failed authentications a client address may make in a burst.
pub const AUTH_FAILURE_BURST: u32 = 10;
/// Then one more every this many seconds.
pub const AUTH_FAILURE_REFILL_SECS: u64 = 6;
/// Writes (submissions and decisions) an account may make per minute, as a burst or spread out, by default.
pub const DEFAULT_WRITES_PER_MINUTE: u32 = 30;
/// Most keys a limiter remembers; past this, buckets that have refilled are forgotten first, then any.
const MAX_TRACKED_KEYS: usize = 100_000;

/// How fast a bucket drains and fills: `burst` tokens, one more every `refill`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    /// Tokens a full bucket holds.
    pub burst: u32,
    /// Time to regain one token.
    pub refill: Duration,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// A token bucket per key (a client address, an account id).
#[derive(Debug)]
pub struct RateLimiter<K> {
    quota: Quota,
    buckets: Mutex<HashMap<K, Bucket>>,
}

impl<K: Hash + Eq + Clone> RateLimiter<K> {
    /// A limiter where every key starts with a full bucket.
    pub fn new(quota: Quota) -> Self {
        Self {
            quota,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    fn refilled(&self, bucket: Bucket, now: Instant) -> Bucket {
        let gained = now.saturating_duration_since(bucket.updated).as_secs_f64()
            / self.quota.refill.as_secs_f64().max(f64::MIN_POSITIVE);
        Bucket {
            tokens: (bucket.tokens + gained).min(f64::from(self.quota.burst)),
            updated: now,
        }
    }

    /// How long until `key` has a whole token again; `None` when it has one now. Takes nothing.
    pub fn wait(&self, key: &K, now: Instant) -> Option<Duration> {
        let buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        let bucket = self.refilled(*buckets.get(key)?, now);
        (bucket.tokens < 1.0).then(|| self.quota.refill.mul_f64(1.0 - bucket.tokens))
    }

    /// Takes one token from `key`'s bucket, even if that empties it (a charge for something already done).
    pub fn charge(&self, key: K, now: Instant) {
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        self.make_room(&mut buckets, &key, now);
        let full = Bucket {
            tokens: f64::from(self.quota.burst),
            updated: now,
        };
        let bucket = self.refilled(*buckets.get(&key).unwrap_or(&full), now);
        buckets.insert(
            key,
            Bucket {
                tokens: (bucket.tokens - 1.0).max(0.0),
                ..bucket
            },
        );
    }

    /// Gives one token back to `key`'s bucket (never beyond a full bucket): the undoing of a [`RateLimiter::take`]
    /// for something that turned out not to count.
    pub fn refund(&self, key: K, now: Instant) {
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(bucket) = buckets.get(&key).copied() {
            let bucket = self.refilled(bucket, now);
            buckets.insert(
                key,
                Bucket {
                    tokens: (bucket.tokens + 1.0).min(f64::from(self.quota.burst)),
                    ..bucket
                },
            );
        }
    }

    /// Takes one token from `key`'s bucket if it has one; otherwise says how long until it will.
    pub fn take(&self, key: K, now: Instant) -> Result<(), Duration> {
        if let Some(wait) = self.wait(&key, now) {
            return Err(wait);
        }
        self.charge(key, now);
        Ok(())
    }

    /// Keeps the table under [`MAX_TRACKED_KEYS`]: a full bucket is the same as no bucket, so those go first.
    fn make_room(&self, buckets: &mut HashMap<K, Bucket>, key: &K, now: Instant) {
        if buckets.len() < MAX_TRACKED_KEYS || buckets.contains_key(key) {
            return;
        }
        let burst = f64::from(self.quota.burst);
        buckets.retain(|_, bucket| self.refilled(*bucket, now).tokens < burst);
        if buckets.len() >= MAX_TRACKED_KEYS
            && let Some(any) = buckets.keys().next().cloned()
        {
            buckets.remove(&any);
        }
    }
}

/// The server's limiters, shared by every worker.
#[derive(Debug)]
pub struct Limits {
    /// Failed authentications, per client address.
    pub auth_failures: RateLimiter<IpAddr>,
    /// Submissions, approvals and rejections, per account.
    pub writes: RateLimiter<i64>,
}

impl Limits {
    /// Limiters letting each account make `writes_per_minute` writes a minute (at least one).
    pub fn new(writes_per_minute: u32) -> Self {
        let writes_per_minute = writes_per_minute.max(1);
        Self {
            auth_failures: RateLimiter::new(Quota {
                burst: AUTH_FAILURE_BURST,
                refill: Duration::from_secs(AUTH_FAILURE_REFILL_SECS),
            }),
            writes: RateLimiter::new(Quota {
                burst: writes_per_minute,
                refill: Duration::from_secs(60) / writes_per_minute,
            }),
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::new(DEFAULT_WRITES_PER_MINUTE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_empties_then_refills_one_token_per_period() {
        let limiter = RateLimiter::new(Quota {
            burst: 2,
            refill: Duration::from_secs(10),
        });
        let t0 = Instant::now();
        assert_eq!(limiter.wait(&"a", t0), None);
        limiter.charge("a", t0);
        assert_eq!(limiter.wait(&"a", t0), None);
        limiter.charge("a", t0);
        assert_eq!(limiter.wait(&"a", t0), Some(Duration::from_secs(10)));
        assert_eq!(
            limiter.wait(&"a", t0 + Duration::from_secs(4)),
            Some(Duration::from_secs(6))
        );
        assert_eq!(limiter.wait(&"b", t0), None, "keys are independent");
        limiter.refund("a", t0);
        assert_eq!(
            limiter.take("a", t0),
            Ok(()),
            "a refund gives one token back"
        );
        limiter.charge("a", t0);
        assert_eq!(limiter.take("a", t0 + Duration::from_secs(10)), Ok(()));
        assert!(limiter.take("a", t0 + Duration::from_secs(10)).is_err());
        // A long wait refills to the burst, never beyond it.
        let later = t0 + Duration::from_secs(1000);
        assert_eq!(limiter.take("a", later), Ok(()));
        assert_eq!(limiter.take("a", later), Ok(()));
        assert!(limiter.take("a", later).is_err());
    }

    #[test]
    fn the_table_stays_bounded() {
        let limiter = RateLimiter::new(Quota {
            burst: 1,
            refill: Duration::from_secs(3600),
        });
        let now = Instant::now();
        for key in 0..(MAX_TRACKED_KEYS + 10) {
            limiter.charge(key, now);
        }
        let tracked = limiter
            .buckets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len();
        assert!(tracked <= MAX_TRACKED_KEYS, "{tracked}");
    }
}
