//! Channel adapter credentials: what an adapter (the bridge between a platform such
//! as WeChat or SMS and Lianjie) signs its deliveries with. An admin creates one per
//! channel, sees its secret once, and can rotate or revoke it; the server checks
//! every inbound delivery against it (`docs/channels.md`).

use crate::channel::Channel;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// How long the secret before a rotation keeps working, so adapters can be
/// redeployed with the new one without dropping deliveries.
pub const ROTATION_GRACE_HOURS: i64 = 24;
/// Most credentials an organization keeps (revoked ones included).
pub const MAX_KEYS: usize = 100;

/// One credential, as stored. The secret must be kept readable (an HMAC is checked
/// with the secret itself), so it never leaves the store except once, on creation
/// or rotation, as [`IssuedChannelKey`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelKey {
    pub id: String,
    pub channel: Channel,
    pub label: String,
    pub secret: String,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    #[serde(default)]
    pub rotated_at: Option<DateTime<Utc>>,
    /// The secret before the last rotation, valid until `previous_valid_until`.
    #[serde(default)]
    pub previous_secret: Option<String>,
    #[serde(default)]
    pub previous_valid_until: Option<DateTime<Utc>>,
    #[serde(default)]
    pub revoked_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A credential as an admin lists it: everything but the secrets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelKeyInfo {
    pub id: String,
    pub channel: Channel,
    pub label: String,
    /// The secret's last four characters, to tell which one an adapter holds.
    pub secret_hint: String,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub rotated_at: Option<DateTime<Utc>>,
    pub previous_valid_until: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A credential just created or rotated, with its secret: shown once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedChannelKey {
    pub key: ChannelKeyInfo,
    pub secret: String,
}

/// What an admin sends to create a credential.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewChannelKey {
    pub channel: Channel,
    pub label: String,
}

impl ChannelKey {
    pub fn info(&self) -> ChannelKeyInfo {
        let hint_from = self
            .secret
            .char_indices()
            .rev()
            .nth(3)
            .map_or(0, |(i, _)| i);
        ChannelKeyInfo {
            id: self.id.clone(),
            channel: self.channel,
            label: self.label.clone(),
            secret_hint: self.secret[hint_from..].to_owned(),
            created_at: self.created_at,
            created_by: self.created_by.clone(),
            rotated_at: self.rotated_at,
            previous_valid_until: self.previous_valid_until,
            revoked_at: self.revoked_at,
            last_used_at: self.last_used_at,
        }
    }

    pub fn issued(&self) -> IssuedChannelKey {
        IssuedChannelKey {
            key: self.info(),
            secret: self.secret.clone(),
        }
    }

    /// The secrets a delivery for `channel` may be signed with at `now`: none when
    /// revoked or for another channel; the current one, and the one before a
    /// rotation during its grace period.
    pub fn secrets_for(&self, channel: Channel, now: DateTime<Utc>) -> Vec<&str> {
        if self.revoked_at.is_some() || self.channel != channel {
            return Vec::new();
        }
        let mut out = vec![self.secret.as_str()];
        if let (Some(previous), Some(until)) = (&self.previous_secret, self.previous_valid_until)
            && now < until
        {
            out.push(previous);
        }
        out
    }

    /// Replaces the secret; the old one keeps working for [`ROTATION_GRACE_HOURS`].
    pub fn rotate(&mut self, secret: String, now: DateTime<Utc>) {
        self.previous_secret = Some(std::mem::replace(&mut self.secret, secret));
        self.previous_valid_until = Some(now + Duration::hours(ROTATION_GRACE_HOURS));
        self.rotated_at = Some(now);
    }

    /// Stops every secret of this credential at once.
    pub fn revoke(&mut self, now: DateTime<Utc>) {
        self.revoked_at.get_or_insert(now);
        self.previous_secret = None;
        self.previous_valid_until = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(now: DateTime<Utc>) -> ChannelKey {
        ChannelKey {
            id: "ck-1".into(),
            channel: Channel::Sms,
            label: "SMS gateway".into(),
            secret: "first-secret-abcd".into(),
            created_at: now,
            created_by: "u-admin".into(),
            rotated_at: None,
            previous_secret: None,
            previous_valid_until: None,
            revoked_at: None,
            last_used_at: None,
        }
    }

    #[test]
    fn the_listing_shows_only_the_last_four_characters() {
        let now = Utc::now();
        let info = key(now).info();
        assert_eq!(info.secret_hint, "abcd");
        let listed = serde_json::to_string(&info).unwrap();
        assert!(!listed.contains("first-secret"), "{listed}");
        let mut short = key(now);
        short.secret = "ab".into();
        assert_eq!(short.info().secret_hint, "ab");
    }

    #[test]
    fn a_rotated_secret_works_through_the_grace_period_then_stops() {
        let now = Utc::now();
        let mut k = key(now);
        k.rotate("second-secret".into(), now);
        assert_eq!(
            k.secrets_for(Channel::Sms, now),
            ["second-secret", "first-secret-abcd"]
        );
        let later = now + Duration::hours(ROTATION_GRACE_HOURS);
        assert_eq!(k.secrets_for(Channel::Sms, later), ["second-secret"]);
    }

    #[test]
    fn a_revoked_key_or_another_channel_has_no_secret() {
        let now = Utc::now();
        let mut k = key(now);
        assert!(k.secrets_for(Channel::Wechat, now).is_empty());
        k.rotate("second".into(), now);
        k.revoke(now);
        assert!(k.secrets_for(Channel::Sms, now).is_empty());
        assert_eq!(k.previous_secret, None);
    }
}
