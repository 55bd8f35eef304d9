//! Channel adapters' credentials: an admin's to create, list, rotate and revoke.
//! Checking a delivery's signature is the server's (it has the raw request); what a
//! credential accepts at a given time is [`ChannelKey::secrets_for`].

use super::{Change, Db, StoreError, StoreResult};
use crate::adapter::{ChannelKey, ChannelKeyInfo, IssuedChannelKey, MAX_KEYS, NewChannelKey};
use crate::channel::Channel;
use crate::scope::{Action, Caller};
use crate::validate::{self, FieldErrors, FieldProblem};
use chrono::{DateTime, Utc};

impl Db {
    fn key_admin(caller: &Caller) -> StoreResult<()> {
        if caller.may(Action::ManageChannelKeys) {
            Ok(())
        } else {
            Err(StoreError::Forbidden(Action::ManageChannelKeys))
        }
    }

    /// Every credential, newest first, without secrets.
    pub fn channel_keys(&self, caller: &Caller) -> StoreResult<Vec<ChannelKeyInfo>> {
        Self::key_admin(caller)?;
        let mut out: Vec<ChannelKeyInfo> =
            self.channel_keys.values().map(ChannelKey::info).collect();
        out.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(a.id.cmp(&b.id)));
        Ok(out)
    }

    /// A new credential for one channel, with `id` and `secret` chosen by the backend
    /// (random, unguessable).
    pub fn create_channel_key(
        &mut self,
        caller: &Caller,
        new: NewChannelKey,
        id: String,
        secret: String,
        now: DateTime<Utc>,
    ) -> StoreResult<IssuedChannelKey> {
        Self::key_admin(caller)?;
        let label = new.label.trim().to_owned();
        let mut e = FieldErrors::default();
        e.check("label", validate::required(&label, 60));
        e.check(
            "channel",
            if new.channel == Channel::WebChat {
                // Web chat comes from Lianjie's own pages; no adapter carries it.
                Err(FieldProblem::Range)
            } else {
                Ok(())
            },
        );
        if let Some(account) = &new.wechat {
            if new.channel != Channel::Wechat {
                e.check("wechat", Err(FieldProblem::Range));
            }
            for (field, problem) in account.problems() {
                e.check(field, Err(problem));
            }
        }
        if let Some(account) = &new.wecom {
            if new.channel != Channel::Wecom {
                e.check("wecom", Err(FieldProblem::Range));
            }
            for (field, problem) in account.problems() {
                e.check(field, Err(problem));
            }
        }
        if let Some(mailbox) = &new.email {
            if new.channel != Channel::Email {
                e.check("email", Err(FieldProblem::Range));
            }
            for (field, problem) in mailbox.problems() {
                e.check(field, Err(problem));
            }
        }
        if let Some(gateway) = &new.sms {
            if new.channel != Channel::Sms {
                e.check("sms", Err(FieldProblem::Range));
            }
            for (field, problem) in gateway.problems() {
                e.check(field, Err(problem));
            }
        }
        e.check(
            "label",
            if self.channel_keys.len() >= MAX_KEYS {
                Err(FieldProblem::Range)
            } else {
                Ok(())
            },
        );
        e.into_result()?;
        let key = ChannelKey {
            id: id.clone(),
            channel: new.channel,
            label,
            secret,
            created_at: now,
            created_by: caller.user_id.clone(),
            rotated_at: None,
            previous_secret: None,
            previous_valid_until: None,
            revoked_at: None,
            last_used_at: None,
            wechat: new.wechat,
            sms: new.sms,
            wecom: new.wecom,
            email: new.email,
            cursor: String::new(),
        };
        let issued = key.issued();
        self.channel_keys.insert(id.clone(), key);
        self.touch(Change::ChannelKey(id));
        Ok(issued)
    }

    /// A new secret for a live credential; the old one works for a grace period.
    pub fn rotate_channel_key(
        &mut self,
        caller: &Caller,
        id: &str,
        secret: String,
        now: DateTime<Utc>,
    ) -> StoreResult<IssuedChannelKey> {
        Self::key_admin(caller)?;
        let key = self
            .channel_keys
            .get_mut(id)
            .ok_or(StoreError::NotFound("channel key"))?;
        if key.revoked_at.is_some() {
            // A revoked credential stays revoked; a new one is created instead.
            let mut e = FieldErrors::default();
            e.check("id", Err(FieldProblem::Range));
            return Err(e.into());
        }
        key.rotate(secret, now);
        let issued = key.issued();
        self.touch(Change::ChannelKey(id.to_owned()));
        Ok(issued)
    }

    /// Stops a credential at once; revoking twice keeps the first time.
    pub fn revoke_channel_key(
        &mut self,
        caller: &Caller,
        id: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<ChannelKeyInfo> {
        Self::key_admin(caller)?;
        let key = self
            .channel_keys
            .get_mut(id)
            .ok_or(StoreError::NotFound("channel key"))?;
        key.revoke(now);
        let info = key.info();
        self.touch(Change::ChannelKey(id.to_owned()));
        Ok(info)
    }

    /// The credential an adapter names, for checking its signature (no caller: the
    /// signature is the adapter's proof).
    pub fn channel_key(&self, id: &str) -> Option<&ChannelKey> {
        self.channel_keys.get(id)
    }

    /// Notes that a credential just signed an accepted delivery.
    pub fn note_channel_key_used(&mut self, id: &str, now: DateTime<Utc>) {
        if let Some(key) = self.channel_keys.get_mut(id) {
            key.last_used_at = Some(now);
            self.touch(Change::ChannelKey(id.to_owned()));
        }
    }

    /// Where reading credential `id`'s platform goes on from next time.
    pub fn set_channel_cursor(&mut self, id: &str, cursor: String) -> StoreResult<()> {
        let key = self
            .channel_keys
            .get_mut(id)
            .ok_or(StoreError::NotFound("channel key"))?;
        if key.cursor != cursor {
            key.cursor = cursor;
            self.touch(Change::ChannelKey(id.to_owned()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::adapter::NewChannelKey;
    use crate::channel::Channel;
    use crate::demo;
    use crate::store::{Change, StoreError};
    use chrono::Utc;

    fn new(channel: Channel) -> NewChannelKey {
        NewChannelKey {
            channel,
            label: " SMS gateway ".into(),
            wechat: None,
            sms: None,
            wecom: None,
            email: None,
        }
    }

    #[test]
    fn only_admins_manage_credentials() {
        let now = Utc::now();
        let mut db = demo::seed(now);
        for who in ["u-wanglei", "u-chengang", "u-zhaomin"] {
            let caller = db.caller(who).unwrap();
            assert!(matches!(
                db.channel_keys(&caller),
                Err(StoreError::Forbidden(_))
            ));
            assert!(matches!(
                db.create_channel_key(&caller, new(Channel::Sms), "ck-x".into(), "s".into(), now),
                Err(StoreError::Forbidden(_))
            ));
        }
        assert!(db.channel_keys.is_empty());
    }

    #[test]
    fn create_rotate_revoke_and_the_listing_never_shows_a_secret() {
        let now = Utc::now();
        let mut db = demo::seed(now);
        let admin = db.caller("u-admin").unwrap();
        let issued = db
            .create_channel_key(
                &admin,
                new(Channel::Sms),
                "ck-1".into(),
                "secret-one".into(),
                now,
            )
            .unwrap();
        assert_eq!(issued.secret, "secret-one");
        assert_eq!(issued.key.label, "SMS gateway");
        assert_eq!(db.take_changes(), [Change::ChannelKey("ck-1".into())]);

        let rotated = db
            .rotate_channel_key(&admin, "ck-1", "secret-two".into(), now)
            .unwrap();
        assert_eq!(rotated.secret, "secret-two");
        let listed = serde_json::to_string(&db.channel_keys(&admin).unwrap()).unwrap();
        assert!(!listed.contains("secret-"), "{listed}");

        db.revoke_channel_key(&admin, "ck-1", now).unwrap();
        assert!(
            db.channel_key("ck-1")
                .unwrap()
                .secrets_for(Channel::Sms, now)
                .is_empty()
        );
        assert!(matches!(
            db.rotate_channel_key(&admin, "ck-1", "secret-three".into(), now),
            Err(StoreError::Invalid(_))
        ));
        assert!(matches!(
            db.revoke_channel_key(&admin, "ck-nope", now),
            Err(StoreError::NotFound(_))
        ));
    }

    #[test]
    fn web_chat_and_empty_labels_take_no_credential() {
        let now = Utc::now();
        let mut db = demo::seed(now);
        let admin = db.caller("u-admin").unwrap();
        let mut blank = new(Channel::Email);
        blank.label = "  ".into();
        for bad in [new(Channel::WebChat), blank] {
            assert!(matches!(
                db.create_channel_key(&admin, bad, "ck-1".into(), "s".into(), now),
                Err(StoreError::Invalid(_))
            ));
        }
        assert!(db.channel_keys.is_empty());
    }
}
