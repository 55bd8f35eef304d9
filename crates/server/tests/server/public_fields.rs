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

/// "Save contact" as a plain server link: the vCard's fields, its type and its
/// UTF-8 file name; a phone shown only on request stays out.
#[tokio::test]
async fn the_card_downloads_as_a_vcard_from_its_own_url() {
    let s = start().await;
    let http = reqwest::Client::new();
    let answer = http
        .get(s.url("/public/cards/wang-lei/vcard"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    let header = |name: &str| {
        answer
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header("content-type"), "text/vcard; charset=utf-8");
    // 王磊.vcf, percent-encoded in UTF-8, with an ASCII fallback.
    assert_eq!(
        header("content-disposition"),
        "attachment; filename=\"contact.vcf\"; filename*=UTF-8''%E7%8E%8B%E7%A3%8A%2Evcf"
    );
    let text = answer.text().await.unwrap();
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.first(), Some(&"BEGIN:VCARD"));
    assert_eq!(lines.last(), Some(&"END:VCARD"));
    for expected in [
        "VERSION:3.0",
        "FN;CHARSET=UTF-8:王磊",
        "N;CHARSET=UTF-8:王;磊;;;",
        "ORG;CHARSET=UTF-8:连接科技 Lianjie Tech",
        "TEL;TYPE=CELL,VOICE:13800138001",
        "EMAIL;TYPE=INTERNET:wang-lei@lianjie.example",
        "URL:https://lianjie.example",
    ] {
        assert!(lines.contains(&expected), "{expected} not in {lines:?}");
    }
    assert!(lines.iter().any(|l| l.starts_with("TITLE;CHARSET=UTF-8:")));
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("ADR;CHARSET=UTF-8;TYPE=WORK:"))
    );

    // Emily shows her phone only on request: her file has none.
    let emily = http
        .get(s.url("/public/cards/emily-chen/vcard"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(emily.contains("FN;CHARSET=UTF-8:Emily Chen"));
    assert!(!emily.contains("TEL"));
    let (status, _) = s
        .call(Method::GET, "/public/cards/nobody/vcard", None, None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
