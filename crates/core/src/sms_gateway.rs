//! An SMS gateway reached over plain HTTP: where a reply is sent, how (method, body
//! format and template, credentials), and how its delivery receipts name the reply
//! and its fate. Most gateways fit this shape (`docs/channels.md` shows two).

use crate::validate::{self, FieldProblem};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyFormat {
    /// `application/json`: placeholders are filled in as JSON string contents.
    #[default]
    Json,
    /// `application/x-www-form-urlencoded`: placeholders are percent-encoded.
    Form,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsGateway {
    /// The gateway's send address, http(s); `{to}`, `{text}` and `{ref}` in it are
    /// filled in, percent-encoded.
    pub url: String,
    /// `POST` (the body is sent) or `GET` (no body).
    #[serde(default = "post")]
    pub method: String,
    #[serde(default)]
    pub format: BodyFormat,
    /// The body, with `{to}` (the customer's number), `{text}` (the reply) and
    /// `{ref}` (the reply's id, for gateways that echo it in receipts) filled in.
    #[serde(default)]
    pub body: String,
    /// Sent as the `Authorization` header when not empty (`Bearer …`, `Basic …`).
    #[serde(default)]
    pub authorization: String,
    /// The receipt's field naming the reply (what `{ref}` was); a `ref` query
    /// parameter on the receipt address does too.
    #[serde(default = "ref_field")]
    pub receipt_ref_field: String,
    /// The receipt's field with the outcome: `delivered`, `DELIVRD`, `success`…
    /// mean delivered; `failed`, `undelivered`, `UNDELIV`, `REJECTD`… failed.
    #[serde(default = "status_field")]
    pub receipt_status_field: String,
}

fn post() -> String {
    "POST".into()
}
fn ref_field() -> String {
    "ref".into()
}
fn status_field() -> String {
    "status".into()
}

/// What a receipt says of a reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReceiptStatus {
    Delivered,
    Failed,
    /// On its way (accepted, queued, sent): nothing to change yet.
    Pending,
}

/// A gateway's status word, read generously: gateways spell these many ways.
pub fn receipt_status(word: &str) -> ReceiptStatus {
    match word.trim().to_ascii_lowercase().as_str() {
        "delivered" | "delivrd" | "success" | "succeeded" | "ok" | "0" | "received" => {
            ReceiptStatus::Delivered
        }
        "failed" | "fail" | "failure" | "undelivered" | "undeliv" | "rejected" | "rejectd"
        | "expired" | "expird" | "deleted" | "unknown" | "error" => ReceiptStatus::Failed,
        _ => ReceiptStatus::Pending,
    }
}

impl SmsGateway {
    /// Field problems, named as in a new credential's `sms` object.
    pub fn problems(&self) -> Vec<(&'static str, FieldProblem)> {
        let mut out = Vec::new();
        if let Err(p) = validate::url(&self.url) {
            out.push(("sms.url", p));
        }
        if !matches!(self.method.as_str(), "POST" | "GET") {
            out.push(("sms.method", FieldProblem::Range));
        }
        let field = |v: &str| {
            !v.is_empty()
                && v.len() <= 60
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
        };
        for (name, value, max) in [
            ("sms.body", &self.body, 2_000),
            ("sms.authorization", &self.authorization, 500),
        ] {
            if let Err(p) = validate::max_len(value, max) {
                out.push((name, p));
            }
        }
        if !field(&self.receipt_ref_field) {
            out.push(("sms.receipt_ref_field", FieldProblem::Range));
        }
        if !field(&self.receipt_status_field) {
            out.push(("sms.receipt_status_field", FieldProblem::Range));
        }
        if !(self.url.contains("{text}") || self.body.contains("{text}")) {
            // A template that never carries the reply sends nothing worth sending.
            out.push(("sms.body", FieldProblem::Required));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gateway() -> SmsGateway {
        SmsGateway {
            url: "https://sms.example.com/send".into(),
            method: "POST".into(),
            format: BodyFormat::Json,
            body: r#"{"to":"{to}","content":"{text}","out_id":"{ref}"}"#.into(),
            authorization: "Bearer k".into(),
            receipt_ref_field: "out_id".into(),
            receipt_status_field: "status".into(),
        }
    }

    #[test]
    fn a_gateway_is_checked_field_by_field() {
        assert!(gateway().problems().is_empty());
        let bad = SmsGateway {
            url: "ftp://x".into(),
            method: "PUT".into(),
            body: "no placeholder".into(),
            receipt_ref_field: "has space".into(),
            receipt_status_field: String::new(),
            ..gateway()
        };
        let fields: Vec<&str> = bad.problems().into_iter().map(|(f, _)| f).collect();
        assert_eq!(
            fields,
            [
                "sms.url",
                "sms.method",
                "sms.receipt_ref_field",
                "sms.receipt_status_field",
                "sms.body"
            ]
        );
        // The reply may travel in the address instead (a GET gateway).
        let get = SmsGateway {
            url: "https://sms.example.com/send?to={to}&msg={text}".into(),
            method: "GET".into(),
            body: String::new(),
            ..gateway()
        };
        assert!(get.problems().is_empty());
    }

    #[test]
    fn receipt_words_are_read_generously() {
        for w in ["delivered", "DELIVRD", " Success "] {
            assert_eq!(receipt_status(w), ReceiptStatus::Delivered, "{w}");
        }
        for w in ["UNDELIV", "failed", "REJECTD", "expired"] {
            assert_eq!(receipt_status(w), ReceiptStatus::Failed, "{w}");
        }
        for w in ["sent", "queued", "accepted", ""] {
            assert_eq!(receipt_status(w), ReceiptStatus::Pending, "{w}");
        }
    }
}
