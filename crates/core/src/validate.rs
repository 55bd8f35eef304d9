//! Field validation shared by the app (instant feedback) and the server (the last word).
//! Every rule returns a typed error naming the field, never a panic, so bad input from
//! anywhere becomes a clear message.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why one field was refused. Serialized into the API's error envelope.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum FieldProblem {
    #[error("is required")]
    Required,
    #[error("is longer than {max} characters")]
    TooLong { max: usize },
    #[error("is not a phone number")]
    Phone,
    #[error("is not an email address")]
    Email,
    #[error("is not an http(s) link")]
    Url,
    #[error("is out of range")]
    Range,
    #[error("is already in use")]
    Taken,
    #[error("is still in use")]
    InUse,
    #[error("has reached its limit")]
    Limit,
    #[error("cannot be done yet")]
    NotYet,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "FieldErrorWire")]
pub struct FieldError {
    pub field: String,
    #[serde(flatten)]
    pub problem: FieldProblem,
}

/// How a [`FieldError`] is read: flat, so reading an error does not bring serde's
/// buffering deserializer into the customer pages (see `content::Block`).
#[derive(Deserialize)]
struct FieldErrorWire {
    field: String,
    code: String,
    max: Option<usize>,
}

impl TryFrom<FieldErrorWire> for FieldError {
    type Error = String;

    fn try_from(w: FieldErrorWire) -> Result<FieldError, String> {
        let problem = match w.code.as_str() {
            "required" => FieldProblem::Required,
            "too_long" => FieldProblem::TooLong {
                max: crate::wire::required(w.max, "max")?,
            },
            "phone" => FieldProblem::Phone,
            "email" => FieldProblem::Email,
            "url" => FieldProblem::Url,
            "range" => FieldProblem::Range,
            "taken" => FieldProblem::Taken,
            "in_use" => FieldProblem::InUse,
            "limit" => FieldProblem::Limit,
            "not_yet" => FieldProblem::NotYet,
            other => return Err(format!("unknown field problem `{other}`")),
        };
        Ok(FieldError {
            field: w.field,
            problem,
        })
    }
}

/// Collects every problem of a form at once, so a person fixes them in one go.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Error)]
#[error("{} invalid field(s)", .0.len())]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn check(&mut self, field: &str, result: Result<(), FieldProblem>) -> &mut Self {
        if let Err(problem) = result {
            self.0.push(FieldError {
                field: field.to_owned(),
                problem,
            });
        }
        self
    }

    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }

    pub fn get(&self, field: &str) -> Option<&FieldProblem> {
        self.0.iter().find(|e| e.field == field).map(|e| &e.problem)
    }
}

/// Counts characters, not bytes: a Chinese name of 10 characters is 30 bytes.
pub fn max_len(value: &str, max: usize) -> Result<(), FieldProblem> {
    if value.chars().count() > max {
        Err(FieldProblem::TooLong { max })
    } else {
        Ok(())
    }
}

pub fn required(value: &str, max: usize) -> Result<(), FieldProblem> {
    if value.trim().is_empty() {
        return Err(FieldProblem::Required);
    }
    max_len(value, max)
}

/// Empty is allowed (the field is optional); otherwise `check` must pass.
pub fn optional(
    value: &str,
    check: fn(&str) -> Result<(), FieldProblem>,
) -> Result<(), FieldProblem> {
    if value.trim().is_empty() {
        Ok(())
    } else {
        check(value)
    }
}

/// Mainland mobile numbers (11 digits starting 1[3-9]) and international numbers
/// (`+` and 7-15 digits). Spaces, dashes and brackets people type are ignored.
pub fn phone(value: &str) -> Result<(), FieldProblem> {
    let trimmed = value.trim();
    let (plus, rest) = match trimmed.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    if !rest
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')'))
    {
        return Err(FieldProblem::Phone);
    }
    let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
    let ok = if plus {
        (7..=15).contains(&digits.len())
    } else {
        let b = digits.as_bytes();
        // Landlines with area codes (0xx-xxxxxxxx) are 10-12 digits.
        (b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]))
            || (b.first() == Some(&b'0') && (10..=12).contains(&b.len()))
    };
    if ok { Ok(()) } else { Err(FieldProblem::Phone) }
}

/// A pragmatic address check: one `@`, a non-empty local part, a dotted domain, no
/// spaces. The server that sends mail is the real judge.
pub fn email(value: &str) -> Result<(), FieldProblem> {
    let v = value.trim();
    let ok = v.len() <= 254
        && !v.contains(char::is_whitespace)
        && match v.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains("..")
            }
            None => false,
        };
    if ok { Ok(()) } else { Err(FieldProblem::Email) }
}

/// Only http(s) links with a host, or a same-origin path: never `javascript:` or
/// `data:` in an href.
/// A client-chosen id (of a follow-up, a task, a deal): a public id, else `Range`.
pub fn public_id(value: &str) -> Result<(), FieldProblem> {
    crate::ids::parse_public_id(value)
        .map(|_| ())
        .map_err(|_| FieldProblem::Range)
}

pub fn url(value: &str) -> Result<(), FieldProblem> {
    crate::link::checked(value)
        .map(|_| ())
        .ok_or(FieldProblem::Url)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every problem, named so that a new variant fails to compile here until it is
    /// listed (and so tried on the wire below).
    fn every_problem() -> Vec<FieldProblem> {
        use FieldProblem::*;
        let all = vec![
            Required,
            TooLong { max: 40 },
            Phone,
            Email,
            Url,
            Range,
            Taken,
            InUse,
            Limit,
            NotYet,
        ];
        for problem in &all {
            match problem {
                Required
                | TooLong { .. }
                | Phone
                | Email
                | Url
                | Range
                | Taken
                | InUse
                | Limit
                | NotYet => {}
            }
        }
        all
    }

    #[test]
    fn field_errors_read_back_as_they_were_written() {
        for problem in every_problem() {
            let error = FieldError {
                field: "name".into(),
                problem,
            };
            let json = serde_json::to_string(&error).unwrap();
            assert_eq!(
                serde_json::from_str::<FieldError>(&json).unwrap(),
                error,
                "{json}"
            );
        }
        let refused = [
            r#"{"field":"name","code":"too_long"}"#,
            r#"{"field":"name","code":"odd"}"#,
            r#"{"code":"required"}"#,
        ];
        for json in refused {
            assert!(serde_json::from_str::<FieldError>(json).is_err(), "{json}");
        }
    }

    #[test]
    fn phones() {
        for ok in [
            "13800138000",
            "138 0013 8000",
            "+86 138-0013-8000",
            "010-62345678",
            "+1 (415) 555-0100",
        ] {
            assert_eq!(phone(ok), Ok(()), "{ok}");
        }
        for bad in [
            "12345",
            "23800138000",
            "1380013800a",
            "+12",
            "电话",
            "",
            "tel:13800138000",
        ] {
            assert_eq!(phone(bad), Err(FieldProblem::Phone), "{bad}");
        }
    }

    #[test]
    fn emails() {
        for ok in ["wang@example.cn", "li.na+crm@mail.example.com"] {
            assert_eq!(email(ok), Ok(()), "{ok}");
        }
        for bad in [
            "", "wang", "wang@", "@x.cn", "a@b", "a b@x.cn", "a@@x.cn", "a@x..cn", "a@.x.cn",
        ] {
            assert_eq!(email(bad), Err(FieldProblem::Email), "{bad}");
        }
    }

    #[test]
    fn urls_only_http() {
        assert_eq!(url("https://lianjie.example/a?b=1"), Ok(()));
        assert_eq!(url("http://127.0.0.1:8080"), Ok(()));
        for bad in [
            "javascript:alert(1)",
            "data:text/html,x",
            "https://",
            "ftp://x",
            "https:///x",
            "https://a b",
            "/\\evil.example",
        ] {
            assert_eq!(url(bad), Err(FieldProblem::Url), "{bad}");
        }
    }

    #[test]
    fn lengths_count_characters() {
        assert_eq!(max_len("王小明", 3), Ok(()));
        assert_eq!(
            max_len("王小明明", 3),
            Err(FieldProblem::TooLong { max: 3 })
        );
        assert_eq!(required("  ", 3), Err(FieldProblem::Required));
        assert_eq!(optional("", email), Ok(()));
        assert_eq!(optional("x", email), Err(FieldProblem::Email));
    }

    #[test]
    fn collects_all_problems_and_serializes_them() {
        let mut errs = FieldErrors::default();
        errs.check("name", required("", 40))
            .check("email", email("nope"))
            .check("phone", phone("13800138000"));
        assert_eq!(errs.0.len(), 2);
        assert_eq!(errs.get("email"), Some(&FieldProblem::Email));
        let json = serde_json::to_value(&errs.0[0]).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"field": "name", "code": "required"})
        );
        assert!(errs.into_result().is_err());
        assert!(FieldErrors::default().into_result().is_ok());
    }
}
