//! SMS through a generic HTTP gateway: a reply is sent by filling in the
//! gateway's address and body template, and the gateway's delivery receipts, posted
//! to `/channels/sms/receipts` with the credential's receipt token, settle it as
//! delivered or failed.

use super::unreachable;
use crate::Shared;
use crate::channel_auth::{self, SignatureError};
use crate::channels::{Credential, credential};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Public, Query, RawBody};
use axum::Json;
use axum::extract::State;
use chrono::Utc;
use lianjie_core::channel::Channel;
use lianjie_core::delivery::{FailureCode, Outcome};
use lianjie_core::sms_gateway::{BodyFormat, ReceiptStatus, SmsGateway, receipt_status};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;
use serde_json::{Value, json};

/// `template` with `{to}`, `{text}` and `{ref}` replaced by `escape`d values, in
/// one pass: a value that itself holds a placeholder stays as written.
pub fn fill(template: &str, values: [(&str, &str); 3], escape: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    'scan: while !rest.is_empty() {
        for (name, value) in values {
            if let Some(after) = rest.strip_prefix(name) {
                out.push_str(&escape(value));
                rest = after;
                continue 'scan;
            }
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            out.push(c);
        }
        rest = chars.as_str();
    }
    out
}

fn percent(value: &str) -> String {
    utf8_percent_encode(value, NON_ALPHANUMERIC).to_string()
}

/// A value as the inside of a JSON string (quotes, backslashes, controls escaped).
fn json_inner(value: &str) -> String {
    let quoted = Value::String(value.to_owned()).to_string();
    quoted[1..quoted.len() - 1].to_owned()
}

/// Sends `text` to `to` through gateway `g`, naming the reply `reference`.
pub async fn send(
    http: &reqwest::Client,
    g: &SmsGateway,
    to: &str,
    text: &str,
    reference: &str,
) -> Outcome {
    let values = [("{to}", to), ("{text}", text), ("{ref}", reference)];
    let url = fill(&g.url, values, percent);
    let mut req = if g.method == "GET" {
        http.get(url)
    } else {
        let (kind, body) = match g.format {
            BodyFormat::Json => ("application/json", fill(&g.body, values, json_inner)),
            BodyFormat::Form => (
                "application/x-www-form-urlencoded",
                fill(&g.body, values, percent),
            ),
        };
        http.post(url)
            .header(reqwest::header::CONTENT_TYPE, kind)
            .body(body)
    };
    if !g.authorization.is_empty() {
        req = req.header(reqwest::header::AUTHORIZATION, &g.authorization);
    }
    let resp = match req.send().await {
        Ok(resp) => resp,
        Err(e) => return unreachable(&e, "SMS gateway"),
    };
    let status = resp.status();
    if status.is_success() {
        return Outcome::Sent;
    }
    if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
        return Outcome::Passing(format!("SMS gateway answered {status}"));
    }
    let said: String = resp
        .text()
        .await
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect();
    Outcome::Refused(
        FailureCode::Rejected,
        format!("SMS gateway answered {status}: {said}"),
    )
}

#[derive(Deserialize, Default)]
pub struct ReceiptQuery {
    key: Option<String>,
    token: Option<String>,
    #[serde(rename = "ref")]
    reference: Option<String>,
}

/// A field of a receipt's body, JSON or form, as text.
fn receipt_field(body: &[u8], name: &str) -> Option<String> {
    if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) {
        return map.get(name).map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        });
    }
    std::str::from_utf8(body).ok().and_then(|form| {
        form.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            let decode = |s: &str| {
                percent_encoding::percent_decode_str(&s.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned()
            };
            (decode(k) == name).then(|| decode(v))
        })
    })
}

/// A gateway's delivery receipt for a reply. Authenticated by the receipt token in
/// the address (gateways post receipts unsigned); answered 200 once understood,
/// whether or not it changed anything, so the gateway stops retrying.
pub async fn receipt(
    State(s): State<Shared>,
    _: Public,
    Query(q): Query<ReceiptQuery>,
    RawBody(body): RawBody,
) -> ApiResult<Json<Value>> {
    let now = Utc::now();
    let key_id = q.key.as_deref().ok_or(SignatureError::NoKey)?;
    let Credential {
        tenant, secrets, ..
    } = credential(&s, key_id, Channel::Sms, now).await?;
    let expected: Vec<String> = secrets
        .iter()
        .map(|s| channel_auth::receipt_token(s))
        .collect();
    if expected.is_empty() {
        return Err(SignatureError::UnknownKey.into());
    }
    channel_auth::one_of(
        &expected,
        q.token.as_deref().ok_or(SignatureError::Missing)?,
    )?;
    let gateway = tenant
        .lock()
        .channel_key(key_id)
        .and_then(|k| k.sms.clone())
        .ok_or_else(|| ApiError::BadRequest("this credential has no SMS gateway".into()))?;
    let reference = q
        .reference
        .or_else(|| receipt_field(&body, &gateway.receipt_ref_field))
        .ok_or_else(|| {
            ApiError::BadRequest(format!(
                "the receipt names no reply ({})",
                gateway.receipt_ref_field
            ))
        })?;
    let word = receipt_field(&body, &gateway.receipt_status_field).unwrap_or_default();
    let delivered = match receipt_status(&word) {
        ReceiptStatus::Delivered => true,
        ReceiptStatus::Failed => false,
        ReceiptStatus::Pending => return Ok(Json(json!({"ok": true}))),
    };
    let detail = format!("SMS receipt: {word}");
    crate::delivery::keep_receipt(&s, &tenant, &reference, delivered, detail).await?;
    Ok(Json(json!({"ok": true})))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_once_and_escaped_for_their_place() {
        let values = [
            ("{to}", "+86 138"),
            ("{text}", "报价 \"A&B\" {to}\n"),
            ("{ref}", "m1"),
        ];
        assert_eq!(
            fill(
                r#"{"to":"{to}","msg":"{text}","id":"{ref}"}"#,
                values,
                json_inner
            ),
            r#"{"to":"+86 138","msg":"报价 \"A&B\" {to}\n","id":"m1"}"#
        );
        assert_eq!(
            fill("To={to}&Body={text}", values, percent),
            "To=%2B86%20138&Body=%E6%8A%A5%E4%BB%B7%20%22A%26B%22%20%7Bto%7D%0A"
        );
        assert_eq!(
            fill("no placeholders {x}", values, percent),
            "no placeholders {x}"
        );
    }

    #[test]
    fn receipt_fields_are_read_from_json_or_forms() {
        assert_eq!(
            receipt_field(br#"{"out_id":"m1","status":"DELIVRD"}"#, "status").as_deref(),
            Some("DELIVRD")
        );
        assert_eq!(
            receipt_field(br#"{"code":0}"#, "code").as_deref(),
            Some("0")
        );
        assert_eq!(
            receipt_field(b"MessageStatus=delivered&ref=m%201", "ref").as_deref(),
            Some("m 1")
        );
        assert_eq!(receipt_field(b"a=b", "ref"), None);
    }
}
