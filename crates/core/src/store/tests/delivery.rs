//! Replies to platforms: queued only when an account can send them, each attempt
//! kept, a failed one retried on request.

use super::*;
use crate::adapter::{NewChannelKey, WechatAccount};
use crate::delivery::{DeliveryState, FailureCode, Outcome};

fn account() -> WechatAccount {
    WechatAccount {
        app_id: "wx0123456789abcdef".into(),
        app_secret: "0123456789abcdef0123456789abcdef".into(),
        encoding_aes_key: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG".into(),
        api_base: "http://127.0.0.1:9/".into(),
    }
}

fn connect(db: &mut Db, wechat: Option<WechatAccount>) {
    let admin = db.caller("u-admin").unwrap();
    let new = NewChannelKey {
        channel: Channel::Wechat,
        label: "公众号".into(),
        wechat,
        sms: None,
        wecom: None,
        email: None,
    };
    db.create_channel_key(&admin, new, "ck-wx".into(), "token".into(), now())
        .unwrap();
}

fn reply(db: &mut Db, channel: Channel, key: &str) -> (String, Message) {
    let id = db
        .conversations
        .values()
        .find(|v| v.channel == channel)
        .map(|v| v.id.clone())
        .unwrap();
    let new = NewMessage {
        body: "您好，报价单已发您邮箱".into(),
        attachments: Vec::new(),
        note: false,
        idempotency_key: key.into(),
    };
    let admin = db.caller("u-admin").unwrap();
    let (_, m) = db
        .send_message(&admin, &id, new, format!("m-{key}"), now())
        .unwrap();
    (id, m)
}

#[test]
fn a_reply_with_no_connected_account_fails_at_once_and_says_why() {
    let mut db = demo::seed(now());
    // A credential that only signs deliveries cannot send.
    connect(&mut db, None);
    let (_, m) = reply(&mut db, Channel::Wechat, "r1");
    let d = m.delivery.unwrap();
    assert_eq!(d.state, DeliveryState::Failed);
    assert_eq!(d.failure.map(|f| f.code), Some(FailureCode::NotConnected));
    // Web chat's customer reads replies in Lianjie's page: nothing to deliver.
    let (_, m) = reply(&mut db, Channel::WebChat, "r2");
    assert_eq!(m.delivery, None);
}

#[test]
fn a_connected_reply_is_queued_its_attempts_kept_and_a_failure_retried() {
    let mut db = demo::seed(now());
    connect(&mut db, Some(account()));
    let (v, m) = reply(&mut db, Channel::Wechat, "r1");
    assert_eq!(
        m.delivery.as_ref().map(|d| d.state),
        Some(DeliveryState::Queued)
    );
    assert!(m.delivery.as_ref().unwrap().due(now()));
    db.take_changes();
    let (_, m) = db
        .record_delivery(
            &v,
            &m.id,
            Outcome::Refused(FailureCode::Rejected, "45015".into()),
            now(),
        )
        .unwrap();
    let d = m.delivery.clone().unwrap();
    assert_eq!((d.state, d.attempts), (DeliveryState::Failed, 1));
    assert!(db.take_changes().contains(&Change::Message {
        conversation_id: v.clone(),
        id: m.id.clone()
    }));
    // A late outcome for a reply no longer queued changes nothing.
    let (_, same) = db.record_delivery(&v, &m.id, Outcome::Sent, now()).unwrap();
    assert_eq!(same.delivery, m.delivery);
    assert!(db.take_changes().is_empty());
    let admin = db.caller("u-admin").unwrap();
    let (_, again) = db.retry_delivery(&admin, &v, &m.id, now()).unwrap();
    assert_eq!(
        again.delivery.as_ref().map(|d| d.state),
        Some(DeliveryState::Queued)
    );
    let (_, sent) = db.record_delivery(&v, &m.id, Outcome::Sent, now()).unwrap();
    assert_eq!(sent.delivery.map(|d| d.state), Some(DeliveryState::Sent));
    // The stored message is the one answered.
    let stored = db.messages[&v].iter().find(|x| x.id == m.id).unwrap();
    assert_eq!(
        stored.delivery.as_ref().map(|d| d.state),
        Some(DeliveryState::Sent)
    );
}

#[test]
fn only_those_who_see_the_conversation_retry_and_only_replies_have_deliveries() {
    let mut db = demo::seed(now());
    let (v, m) = reply(&mut db, Channel::Wechat, "r1");
    // A rep who does not see this conversation cannot touch it.
    let outsider = db
        .users
        .iter()
        .map(|u| db.caller(&u.id).unwrap())
        .find(|c| db.visible_conversation(c, &v).is_err())
        .unwrap();
    assert!(db.retry_delivery(&outsider, &v, &m.id, now()).is_err());
    // Retried while still not connected: failed again, for the same reason.
    let admin = db.caller("u-admin").unwrap();
    let (_, again) = db.retry_delivery(&admin, &v, &m.id, now()).unwrap();
    let d = again.delivery.unwrap();
    assert_eq!(d.failure.map(|f| f.code), Some(FailureCode::NotConnected));
    let inbound = db.messages[&v]
        .iter()
        .find(|x| x.direction == Direction::Inbound)
        .map(|x| x.id.clone())
        .unwrap();
    assert!(matches!(
        db.retry_delivery(&admin, &v, &inbound, now()),
        Err(StoreError::NotFound("delivery"))
    ));
}

#[test]
fn an_official_account_is_checked_before_it_is_kept() {
    let mut db = demo::seed(now());
    let admin = db.caller("u-admin").unwrap();
    let bad = WechatAccount {
        app_id: "wx123".into(),
        app_secret: "短".into(),
        encoding_aes_key: "abc".into(),
        api_base: "ftp://x".into(),
    };
    let new = |channel, wechat| NewChannelKey {
        channel,
        label: "公众号".into(),
        wechat: Some(wechat),
        sms: None,
        wecom: None,
        email: None,
    };
    let Err(StoreError::Invalid(e)) = db.create_channel_key(
        &admin,
        new(Channel::Wechat, bad),
        "ck-1".into(),
        "t".into(),
        now(),
    ) else {
        panic!("a malformed account is refused");
    };
    let fields: Vec<&str> = e.0.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "wechat.app_id",
            "wechat.app_secret",
            "wechat.encoding_aes_key",
            "wechat.api_base"
        ]
    );
    // An account belongs to a WeChat credential only.
    assert!(
        db.create_channel_key(
            &admin,
            new(Channel::Sms, account()),
            "ck-2".into(),
            "t".into(),
            now()
        )
        .is_err()
    );
    let issued = db
        .create_channel_key(
            &admin,
            new(Channel::Wechat, account()),
            "ck-3".into(),
            "t".into(),
            now(),
        )
        .unwrap();
    assert_eq!(
        issued.key.wechat_app_id.as_deref(),
        Some("wx0123456789abcdef")
    );
    assert_eq!(issued.key.api_base.as_deref(), Some("http://127.0.0.1:9"));
    assert!(db.sender(Channel::Wechat).is_some());
    db.revoke_channel_key(&admin, "ck-3", now()).unwrap();
    assert!(db.sender(Channel::Wechat).is_none());
}
