//! Checking a channel adapter's delivery: which credential signed it, over what, and
//! that it is fresh and new. Two schemes (see `docs/channels.md`):
//!
//! - every channel: `X-Lianjie-Key`, `X-Lianjie-Timestamp` (Unix seconds) and
//!   `X-Lianjie-Signature: v1=<hex HMAC-SHA256(secret, "{timestamp}.{body}")>`;
//! - WeChat, as its servers sign callbacks: `?key=&timestamp=&nonce=&msg_signature=`
//!   with `msg_signature = hex SHA-1(sorted(secret, timestamp, nonce, body) joined)`.
//!
//! Comparisons take constant time; a timestamp more than [`WINDOW_SECS`] from the
//! server's clock is refused, and so is a signature already accepted within it.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha1::{Digest, Sha1};
use sha2::Sha256;
use std::collections::HashMap;
use std::sync::Mutex;
use subtle::ConstantTimeEq;

/// How far a delivery's timestamp may be from the server's clock, either way.
pub const WINDOW_SECS: i64 = 300;
/// Most signatures remembered at once; past it, the oldest half is forgotten early
/// (they are outside the window soon anyway) rather than memory growing.
const MAX_REMEMBERED: usize = 200_000;

/// Why a delivery was refused. The message tells an adapter author what to fix and
/// nothing about the secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("no credential is named (X-Lianjie-Key, or ?key= for WeChat)")]
    NoKey,
    #[error("the signature, its timestamp or its nonce is missing")]
    Missing,
    #[error("unknown or revoked credential, or a credential of another channel")]
    UnknownKey,
    #[error("the timestamp is more than 5 minutes from the server's clock")]
    Stale,
    #[error("the signature does not match the body")]
    Mismatch,
    #[error("this signature was already used; sign each delivery afresh")]
    Replayed,
}

/// What a delivery names to be checked, from its headers or its query.
#[derive(Debug, Default)]
pub struct Signed<'a> {
    pub key: Option<&'a str>,
    pub timestamp: Option<&'a str>,
    pub signature: Option<&'a str>,
    /// WeChat's scheme only.
    pub nonce: Option<&'a str>,
    pub scheme: Scheme,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Scheme {
    #[default]
    Hmac,
    Wechat,
}

/// `v1=` and the lowercase hex HMAC-SHA256 of `{timestamp}.{body}`.
pub fn hmac_signature(secret: &str, timestamp: &str, body: &[u8]) -> String {
    format!("v1={}", hex::encode(hmac_bytes(secret, timestamp, body)))
}

fn hmac_bytes(secret: &str, timestamp: &str, body: &[u8]) -> Vec<u8> {
    // HMAC takes a key of any length.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts every key length"));
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize().into_bytes().to_vec()
}

/// WeChat's signature: lowercase hex SHA-1 of the parts sorted and joined.
pub fn wechat_signature(parts: &[&[u8]]) -> String {
    let mut sorted = parts.to_vec();
    sorted.sort_unstable();
    let mut sha = Sha1::new();
    for part in sorted {
        sha.update(part);
    }
    hex::encode(sha.finalize())
}

/// The token an SMS gateway's receipts carry in their address: gateways post
/// receipts unsigned, so the address itself is the credential. Derived from the
/// secret (32 hex characters of an HMAC), so it changes on rotation and the secret
/// never appears in a URL.
pub fn receipt_token(secret: &str) -> String {
    let mut token = hex::encode(hmac_bytes(secret, "sms-receipts", b""));
    token.truncate(32);
    token
}

/// Whether `timestamp` (Unix seconds) is within the window around `now`.
pub fn fresh(timestamp: &str, now: DateTime<Utc>) -> Result<i64, SignatureError> {
    let at: i64 = timestamp.parse().map_err(|_| SignatureError::Missing)?;
    if (now.timestamp() - at).abs() > WINDOW_SECS {
        return Err(SignatureError::Stale);
    }
    Ok(at)
}

/// Checks `signed` against the credential's valid `secrets` (see
/// `ChannelKey::secrets_for`): the signature must be one of theirs over `body`.
pub fn verify(
    signed: &Signed<'_>,
    secrets: &[&str],
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<(), SignatureError> {
    if secrets.is_empty() {
        return Err(SignatureError::UnknownKey);
    }
    let (Some(timestamp), Some(signature)) = (signed.timestamp, signed.signature) else {
        return Err(SignatureError::Missing);
    };
    fresh(timestamp, now)?;
    let expected: Vec<String> = match signed.scheme {
        Scheme::Hmac => secrets
            .iter()
            .map(|s| hmac_signature(s, timestamp, body))
            .collect(),
        Scheme::Wechat => {
            let nonce = signed.nonce.ok_or(SignatureError::Missing)?;
            secrets
                .iter()
                .map(|s| {
                    wechat_signature(&[s.as_bytes(), timestamp.as_bytes(), nonce.as_bytes(), body])
                })
                .collect()
        }
    };
    one_of(&expected, signature)
}

/// Whether `signature` is one of `expected`. Every candidate is compared in constant
/// time, so the time taken says nothing of which one matched, or how nearly.
pub fn one_of(expected: &[String], signature: &str) -> Result<(), SignatureError> {
    let matched = expected.iter().fold(0u8, |acc, e| {
        acc | e.as_bytes().ct_eq(signature.as_bytes()).unwrap_u8()
    });
    if matched == 1 {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// Signatures accepted within the window, so a captured delivery cannot be posted
/// again. Kept in memory: after a restart the window is what protects.
#[derive(Default)]
pub struct ReplayGuard {
    seen: Mutex<HashMap<String, i64>>,
}

impl ReplayGuard {
    /// Records `key`'s `signature` as used; false when it already was, within the
    /// window. Entries past the window are swept as new ones come.
    pub fn first_use(&self, key: &str, signature: &str, now: DateTime<Utc>) -> bool {
        let now = now.timestamp();
        let mut seen = self
            .seen
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // A signature can be replayed only while its timestamp is fresh: at most
        // two windows from the moment it was first seen.
        seen.retain(|_, until| *until > now);
        if seen.len() >= MAX_REMEMBERED {
            let mut untils: Vec<i64> = seen.values().copied().collect();
            untils.sort_unstable();
            let cut = untils[untils.len() / 2];
            seen.retain(|_, until| *until > cut);
        }
        match seen.entry(format!("{key}\n{signature}")) {
            // A replay does not extend how long the original is remembered.
            std::collections::hash_map::Entry::Occupied(_) => false,
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(now + 2 * WINDOW_SECS);
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    const BODY: &[u8] =
        br#"{"handle":"+8613800000000","name":"Li","body":"hi","idempotency_key":"a"}"#;

    fn hmac_signed<'a>(timestamp: &'a str, signature: &'a str) -> Signed<'a> {
        Signed {
            key: Some("ck-1"),
            timestamp: Some(timestamp),
            signature: Some(signature),
            nonce: None,
            scheme: Scheme::Hmac,
        }
    }

    #[test]
    fn known_vectors() {
        // Computed independently, with Python's hmac and hashlib.
        assert_eq!(
            hmac_signature("secret", "1700000000", b"{}"),
            "v1=b8569b78799ff9e3cbff0fc2d63a33a2b57f3282abd07c37ae5e8e7d79a5f163"
        );
        assert_eq!(
            wechat_signature(&[b"token", b"1409304348", b"xxxxxx"]),
            "f43b4a6571a6552356f482636e5a77e7fa33dcc9"
        );
    }

    #[test]
    fn a_signature_over_the_body_with_a_fresh_timestamp_passes() {
        let now = Utc::now();
        let ts = now.timestamp().to_string();
        let sig = hmac_signature("s3cret", &ts, BODY);
        assert_eq!(
            verify(&hmac_signed(&ts, &sig), &["s3cret"], BODY, now),
            Ok(())
        );
        // The old secret during a rotation's grace period works too.
        assert_eq!(
            verify(&hmac_signed(&ts, &sig), &["new", "s3cret"], BODY, now),
            Ok(())
        );
    }

    #[test]
    fn a_changed_body_another_secret_or_no_secret_is_refused() {
        let now = Utc::now();
        let ts = now.timestamp().to_string();
        let sig = hmac_signature("s3cret", &ts, BODY);
        let forged = BODY.to_vec().into_iter().rev().collect::<Vec<u8>>();
        let signed = hmac_signed(&ts, &sig);
        assert_eq!(
            verify(&signed, &["s3cret"], &forged, now),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(&signed, &["other"], BODY, now),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(&signed, &[], BODY, now),
            Err(SignatureError::UnknownKey)
        );
        // A signature over another timestamp does not carry over.
        let later = (now.timestamp() + 1).to_string();
        assert_eq!(
            verify(&hmac_signed(&later, &sig), &["s3cret"], BODY, now),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn timestamps_outside_five_minutes_either_way_are_refused() {
        let now = Utc::now();
        for off in [-WINDOW_SECS - 1, WINDOW_SECS + 1] {
            let ts = (now + Duration::seconds(off)).timestamp().to_string();
            let sig = hmac_signature("s", &ts, BODY);
            assert_eq!(
                verify(&hmac_signed(&ts, &sig), &["s"], BODY, now),
                Err(SignatureError::Stale)
            );
        }
        let ts = (now - Duration::seconds(WINDOW_SECS))
            .timestamp()
            .to_string();
        let sig = hmac_signature("s", &ts, BODY);
        assert_eq!(verify(&hmac_signed(&ts, &sig), &["s"], BODY, now), Ok(()));
        assert_eq!(
            verify(&hmac_signed("yesterday", &sig), &["s"], BODY, now),
            Err(SignatureError::Missing)
        );
    }

    #[test]
    fn wechat_signatures_sort_their_parts_and_cover_the_body() {
        let now = Utc::now();
        let ts = now.timestamp().to_string();
        let sig = wechat_signature(&[b"s3cret", ts.as_bytes(), b"n0nce", BODY]);
        let signed = Signed {
            key: Some("ck-1"),
            timestamp: Some(&ts),
            signature: Some(&sig),
            nonce: Some("n0nce"),
            scheme: Scheme::Wechat,
        };
        assert_eq!(verify(&signed, &["s3cret"], BODY, now), Ok(()));
        assert_eq!(
            verify(&signed, &["s3cret"], b"{}", now),
            Err(SignatureError::Mismatch)
        );
        let no_nonce = Signed {
            nonce: None,
            ..signed
        };
        assert_eq!(
            verify(&no_nonce, &["s3cret"], BODY, now),
            Err(SignatureError::Missing)
        );
    }

    #[test]
    fn a_signature_is_accepted_once_within_the_window() {
        let guard = ReplayGuard::default();
        let now = Utc::now();
        assert!(guard.first_use("ck-1", "v1=ab", now));
        assert!(!guard.first_use("ck-1", "v1=ab", now + Duration::seconds(299)));
        assert!(guard.first_use("ck-2", "v1=ab", now));
        // Long after, the timestamp check refuses it; the guard forgets it.
        assert!(guard.first_use("ck-1", "v1=ab", now + Duration::seconds(601)));
    }
}
