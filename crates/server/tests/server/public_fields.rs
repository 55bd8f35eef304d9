//! What strangers see: every field the public (customer) endpoints return is one
//! somebody meant to publish.

use crate::common::start;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// Every field path in a JSON answer ("card.phone", "featured.title", ...).
fn field_paths(value: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                out.insert(path.clone());
                field_paths(v, &path, out);
            }
        }
        Value::Array(items) => {
            for v in items {
                field_paths(v, prefix, out);
            }
        }
        _ => {}
    }
}

/// The fields of an answer that are not in `allowed` (block bodies are content the
/// rep wrote for readers, so everything under `blocks` is theirs to see).
fn unexpected(answer: &Value, allowed: &[&str]) -> Vec<String> {
    let mut paths = BTreeSet::new();
    field_paths(answer, "", &mut paths);
    paths
        .into_iter()
        .filter(|p| !allowed.contains(&p.as_str()) && !p.contains("blocks."))
        .collect()
}

const PUBLIC_CARD: [&str; 17] = [
    "card",
    "card.id",
    "card.name",
    "card.title",
    "card.company",
    "card.logo_url",
    "card.avatar_url",
    "card.phone",
    "card.phone_on_request",
    "card.email",
    "card.wechat_id",
    "card.address",
    "card.website",
    "card.intro",
    "card.featured",
    "card.greeting_media_url",
    "card.theme",
];

#[tokio::test]
async fn public_answers_carry_only_what_strangers_may_see() {
    let s = start().await;
    let mut opened_fields: Vec<&str> = vec![
        "share",
        "share.token",
        "share.target",
        "share.target.type",
        "share.target.id",
        "share.lead_capture",
        "share.lead_capture.mode",
        "child_token",
        "session_id",
        "featured",
        "featured.id",
        "featured.kind",
        "featured.title",
        "featured.summary",
        "featured.cover_url",
        "content",
        "content.id",
        "content.kind",
        "content.title",
        "content.summary",
        "content.cover_url",
        "content.tags",
        "content.blocks",
    ];
    opened_fields.extend(PUBLIC_CARD);

    // Emily shows her phone only on request: her card page never carries it.
    let (status, card) = s
        .call(Method::GET, "/public/cards/emily-chen", None, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(unexpected(&card, &opened_fields), Vec::<String>::new());
    assert_eq!(card["card"]["phone"], "");
    assert_eq!(card["card"]["phone_on_request"], true);
    let text = card.to_string();
    for private in [
        "u-emily",
        "owner_id",
        "rep_id",
        "contact_id",
        "13700137003",
        "+86 137",
    ] {
        assert!(!text.contains(private), "{private} in {text}");
    }

    let rep = s.login().await;
    let share = s.share_pricing(&rep).await;
    let (_, opened) = s
        .call(Method::GET, &format!("/public/shares/{share}"), None, None)
        .await;
    assert_eq!(unexpected(&opened, &opened_fields), Vec::<String>::new());
    assert!(!opened.to_string().contains("k-000") && !opened.to_string().contains("u-wanglei"));

    let (_, wang) = s
        .call(Method::GET, "/public/cards/wang-lei", None, None)
        .await;
    let reader = wang["child_token"].as_str().unwrap_or_default().to_owned();
    let (_, featured) = s
        .call(
            Method::POST,
            &format!("/public/shares/{reader}/featured/c-pricing"),
            None,
            None,
        )
        .await;
    let share_fields = [
        "token",
        "target",
        "target.type",
        "target.id",
        "lead_capture",
        "lead_capture.mode",
    ];
    assert_eq!(unexpected(&featured, &share_fields), Vec::<String>::new());

    // A web chat and a staff reply: the customer sees the words, not who wrote them.
    let message =
        json!({"handle": "visitor-pub", "name": "", "body": "在吗", "idempotency_key": "pub-1"});
    let (status, sent) = s
        .call(
            Method::POST,
            &format!("/public/shares/{share}/messages"),
            None,
            Some(message),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let agent = s.login_as("zhaomin@lianjie.example").await;
    let conversation = sent["conversation_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let (status, _) = s
        .call(
            Method::POST,
            &format!("/conversations/{conversation}/messages"),
            Some(&agent),
            Some(json!({"body": "您好，在的", "idempotency_key": "staff-secret-key"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, thread) = s
        .call(
            Method::GET,
            &format!("/public/shares/{share}/messages?visitor=visitor-pub"),
            None,
            None,
        )
        .await;
    let message_fields = [
        "id",
        "conversation_id",
        "direction",
        "author_id",
        "body",
        "attachments",
        "created_at",
        "idempotency_key",
    ];
    assert_eq!(unexpected(&thread, &message_fields), Vec::<String>::new());
    assert_eq!(thread.as_array().map(Vec::len), Some(2));
    let text = thread.to_string();
    assert!(
        !text.contains("u-zhaomin") && !text.contains("staff-secret-key"),
        "{text}"
    );
}
