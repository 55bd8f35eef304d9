//! Channel adapter credentials: what an adapter (the bridge between a platform such
//! as WeChat or SMS and Lianjie) signs its deliveries with. An admin creates one per
//! channel, sees its secret once, and can rotate or revoke it; the server checks
//! every inbound delivery against it (`docs/channels.md`).

use crate::channel::Channel;
use crate::mailbox::Mailbox;
use crate::sms_gateway::SmsGateway;
use crate::validate::FieldProblem;
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
    /// The WeChat Official Account this credential connects (a WeChat credential
    /// only): its secret is then the account's Token, and replies leave through it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wechat: Option<WechatAccount>,
    /// The HTTP gateway SMS replies leave through (an SMS credential only); its
    /// receipts come back signed by this credential (`docs/channels.md`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sms: Option<SmsGateway>,
    /// The WeCom (企业微信) organization this credential connects (a WeCom
    /// credential only): its secret is then the callbacks' Token, and replies leave
    /// through its customer-service account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wecom: Option<WecomAccount>,
    /// The support mailbox this credential connects (an email credential only):
    /// read by IMAP, replies sent by SMTP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<Mailbox>,
    /// Where reading the platform's messages goes on from (WeCom's sync cursor, a
    /// mailbox's UIDVALIDITY and last UID).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub cursor: String,
}

/// What Lianjie needs of a WeCom organization to read its encrypted callbacks
/// (external-contact and 微信客服 events) and to send replies through 微信客服.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WecomAccount {
    /// 企业ID (CorpID): `ww` or `wx` and 16 letters or digits.
    pub corp_id: String,
    /// The 微信客服 Secret, which fetches the access token (never listed).
    pub secret: String,
    /// The callbacks' EncodingAESKey: 43 letters and digits.
    pub encoding_aes_key: String,
    /// The customer-service account (客服账号, `wk…`) whose messages are read and
    /// whose replies leave.
    pub open_kfid: String,
    /// Where WeCom's API answers; empty means [`WECOM_API`].
    #[serde(default)]
    pub api_base: String,
}

/// WeCom's own API address.
pub const WECOM_API: &str = "https://qyapi.weixin.qq.com";

fn api_base_or<'a>(base: &'a str, default: &'a str) -> &'a str {
    if base.is_empty() {
        default
    } else {
        base.trim_end_matches('/')
    }
}

/// Letters, digits, `-` and `_`, between `min` and `max` long: what WeCom's ids
/// and secrets are made of.
fn token_like(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

impl WecomAccount {
    pub fn api_base(&self) -> &str {
        api_base_or(&self.api_base, WECOM_API)
    }

    /// Field problems, named as in [`NewChannelKey`]'s `wecom` object.
    pub fn problems(&self) -> Vec<(&'static str, FieldProblem)> {
        let mut out = Vec::new();
        let id = &self.corp_id;
        if !(id.len() == 18
            && (id.starts_with("ww") || id.starts_with("wx"))
            && id.chars().all(|c| c.is_ascii_alphanumeric()))
        {
            out.push(("wecom.corp_id", FieldProblem::Range));
        }
        if !token_like(&self.secret, 16, 64) {
            out.push(("wecom.secret", FieldProblem::Range));
        }
        if self.encoding_aes_key.len() != 43
            || !self
                .encoding_aes_key
                .chars()
                .all(|c| c.is_ascii_alphanumeric())
        {
            out.push(("wecom.encoding_aes_key", FieldProblem::Range));
        }
        if !(self.open_kfid.starts_with("wk") && token_like(&self.open_kfid, 4, 64)) {
            out.push(("wecom.open_kfid", FieldProblem::Range));
        }
        if !self.api_base.is_empty()
            && let Err(p) = crate::validate::url(&self.api_base)
        {
            out.push(("wecom.api_base", p));
        }
        out
    }
}

/// What Lianjie needs of a WeChat Official Account (公众号) to read its callbacks
/// and send replies: from the platform's Settings → Basic configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WechatAccount {
    /// 开发者ID (AppID): `wx` and 16 letters or digits.
    pub app_id: String,
    /// 开发者密码 (AppSecret): fetches the access token replies are sent with.
    pub app_secret: String,
    /// 消息加解密密钥 (EncodingAESKey): 43 letters and digits, for safe mode.
    pub encoding_aes_key: String,
    /// Where WeChat's API answers; empty means [`WECHAT_API`]. Tests point it at a
    /// stand-in; a proxy in front of WeChat goes here too.
    #[serde(default)]
    pub api_base: String,
}

/// How many characters of a 64-hex-character random secret a credential of
/// `channel` keeps: WeChat and WeCom take a Token of 32 at most (128 random bits).
pub fn secret_chars(channel: Channel) -> usize {
    match channel {
        Channel::Wechat | Channel::Wecom => 32,
        _ => 64,
    }
}

/// WeChat's own API address.
pub const WECHAT_API: &str = "https://api.weixin.qq.com";

impl WechatAccount {
    pub fn api_base(&self) -> &str {
        api_base_or(&self.api_base, WECHAT_API)
    }

    /// Field problems, named as in [`NewChannelKey`]'s `wechat` object.
    pub fn problems(&self) -> Vec<(&'static str, FieldProblem)> {
        let alnum = |s: &str| s.chars().all(|c| c.is_ascii_alphanumeric());
        let mut out = Vec::new();
        let id = &self.app_id;
        if !(id.len() == 18 && id.starts_with("wx") && alnum(id)) {
            out.push(("wechat.app_id", FieldProblem::Range));
        }
        if !(16..=64).contains(&self.app_secret.len()) || !alnum(&self.app_secret) {
            out.push(("wechat.app_secret", FieldProblem::Range));
        }
        if self.encoding_aes_key.len() != 43 || !alnum(&self.encoding_aes_key) {
            out.push(("wechat.encoding_aes_key", FieldProblem::Range));
        }
        if !self.api_base.is_empty()
            && let Err(p) = crate::validate::url(&self.api_base)
        {
            out.push(("wechat.api_base", p));
        }
        out
    }
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
    /// The connected Official Account's AppID (its secrets are never listed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wechat_app_id: Option<String>,
    /// The connected WeCom organization's CorpID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wecom_corp_id: Option<String>,
    /// The connected support mailbox's address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_address: Option<String>,
    /// Where replies are sent, when this credential sends them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_base: Option<String>,
}

/// A credential just created or rotated, with its secret: shown once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedChannelKey {
    pub key: ChannelKeyInfo,
    pub secret: String,
    /// For an SMS credential on the reference server: the token its gateway's
    /// delivery receipts carry (`?token=`), derived from the secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt_token: Option<String>,
}

/// What an admin sends to create a credential.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewChannelKey {
    pub channel: Channel,
    pub label: String,
    /// For WeChat: the Official Account to connect, so replies can leave.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wechat: Option<WechatAccount>,
    /// For SMS: the gateway replies leave through.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sms: Option<SmsGateway>,
    /// For WeCom: the organization and customer-service account to connect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wecom: Option<WecomAccount>,
    /// For email: the support mailbox to read and send from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<Mailbox>,
}

impl ChannelKeyInfo {
    /// Whether replies on its channel leave through this credential.
    pub fn sends_replies(&self) -> bool {
        self.revoked_at.is_none() && self.api_base.is_some()
    }
}

/// For each channel a credential may serve (all but web chat), the credential its
/// replies leave through (the newest that sends), or none: what settings show, so
/// a channel whose replies go nowhere says so before anyone writes one.
pub fn reply_routes(keys: &[ChannelKeyInfo]) -> Vec<(Channel, Option<&ChannelKeyInfo>)> {
    Channel::ALL
        .into_iter()
        .filter(|c| *c != Channel::WebChat)
        .map(|c| {
            let sender = keys
                .iter()
                .filter(|k| k.channel == c && k.sends_replies())
                .max_by_key(|k| k.created_at);
            (c, sender)
        })
        .collect()
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
            wechat_app_id: self.wechat.as_ref().map(|a| a.app_id.clone()),
            wecom_corp_id: self.wecom.as_ref().map(|a| a.corp_id.clone()),
            email_address: self.email.as_ref().map(|m| m.address.clone()),
            api_base: self.sends_through(),
        }
    }

    /// Where its replies are sent, when it sends them: an API's address, an SMS
    /// gateway's without its query (which may hold credentials), an SMTP server.
    fn sends_through(&self) -> Option<String> {
        if let Some(a) = &self.wechat {
            Some(a.api_base().to_owned())
        } else if let Some(g) = &self.sms {
            Some(g.url.split('?').next().unwrap_or_default().to_owned())
        } else if let Some(a) = &self.wecom {
            Some(a.api_base().to_owned())
        } else {
            self.email
                .as_ref()
                .map(|m| format!("smtp://{}:{}", m.smtp_host, m.smtp_port))
        }
    }

    /// Whether replies on its channel leave through this credential.
    pub fn sends_replies(&self) -> bool {
        self.revoked_at.is_none() && self.sends_through().is_some()
    }

    pub fn issued(&self) -> IssuedChannelKey {
        IssuedChannelKey {
            key: self.info(),
            secret: self.secret.clone(),
            receipt_token: None,
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

    #[test]
    fn each_channel_shows_what_its_replies_leave_through() {
        let now = DateTime::from_timestamp(1_764_489_600, 0).expect("in range");
        let plain = key(now);
        let mut sms = ChannelKey {
            id: "ck-2".into(),
            sms: Some(crate::sms_gateway::SmsGateway {
                url: "https://sms.example.com/send?api_key=secret".into(),
                method: "POST".into(),
                format: crate::sms_gateway::BodyFormat::Json,
                body: "{text}".into(),
                authorization: String::new(),
                receipt_ref_field: "ref".into(),
                receipt_status_field: "status".into(),
            }),
            ..key(now)
        };
        let infos = [plain.info(), sms.info()];
        let routes = reply_routes(&infos);
        assert_eq!(routes.len(), 7);
        let of = |c: Channel| {
            routes
                .iter()
                .find(|(x, _)| *x == c)
                .and_then(|(_, k)| *k)
                .map(|k| k.id.as_str())
        };
        assert_eq!(of(Channel::Sms), Some("ck-2"));
        assert_eq!(of(Channel::Wechat), None);
        // The gateway's address is listed without its query, which may hold a key.
        assert_eq!(
            infos[1].api_base.as_deref(),
            Some("https://sms.example.com/send")
        );
        sms.revoke(now);
        assert_eq!(
            reply_routes(&[sms.info()])
                .iter()
                .filter(|(_, k)| k.is_some())
                .count(),
            0
        );
    }

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
            wechat: None,
            sms: None,
            wecom: None,
            email: None,
            cursor: String::new(),
        }
    }

    #[test]
    fn a_wecom_account_is_checked_field_by_field() {
        let good = WecomAccount {
            corp_id: "ww1a2b3c4d5e6f7a8b".into(),
            secret: "QM6Nl5pDWzW1HftV-rFtMeuf9Bh1DXv5RC8OWhy4sWI".into(),
            encoding_aes_key: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C".into(),
            open_kfid: "wkAJ2GCAAAZSfhHCt7IFSvLKtMPxyJTw".into(),
            api_base: String::new(),
        };
        assert!(good.problems().is_empty(), "{:?}", good.problems());
        assert_eq!(good.api_base(), WECOM_API);
        let bad = WecomAccount {
            corp_id: "ab1a2b3c4d5e6f7a8b".into(),
            secret: "short".into(),
            encoding_aes_key: "x".repeat(42),
            open_kfid: "kf-1".into(),
            api_base: "ftp://example.com".into(),
        };
        let fields: Vec<&str> = bad.problems().into_iter().map(|(f, _)| f).collect();
        assert_eq!(
            fields,
            [
                "wecom.corp_id",
                "wecom.secret",
                "wecom.encoding_aes_key",
                "wecom.open_kfid",
                "wecom.api_base"
            ]
        );
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
