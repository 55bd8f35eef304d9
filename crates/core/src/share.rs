//! Per-recipient share links and the forward chain.

use crate::channel::Channel;
use crate::validate::{FieldErrors, FieldProblem};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What a share link opens: `{"type": "card" | "content", "id": ...}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(try_from = "ShareTargetWire")]
pub enum ShareTarget {
    Card(String),
    Content(String),
}

/// Written as the flat struct it is read as: a derived tagged enum writes its tag
/// as a variant, which formats that are not self-describing (the tallies a server
/// saves) write as a number and cannot read back as the tag's text.
impl Serialize for ShareTarget {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let (kind, id) = match self {
            ShareTarget::Card(id) => ("card", id),
            ShareTarget::Content(id) => ("content", id),
        };
        let mut fields = s.serialize_struct("ShareTarget", 2)?;
        fields.serialize_field("type", kind)?;
        fields.serialize_field("id", id)?;
        fields.end()
    }
}

/// How a [`ShareTarget`] and a [`LeadCapture`] are read: flat structs, not derived
/// tagged enums, whose buffering deserializer the customer pages would download
/// (see `content::Block`).
#[derive(Deserialize)]
struct ShareTargetWire {
    #[serde(rename = "type")]
    kind: String,
    id: String,
}

impl TryFrom<ShareTargetWire> for ShareTarget {
    type Error = String;

    fn try_from(w: ShareTargetWire) -> Result<ShareTarget, String> {
        match w.kind.as_str() {
            "card" => Ok(ShareTarget::Card(w.id)),
            "content" => Ok(ShareTarget::Content(w.id)),
            other => Err(format!("unknown share target `{other}`")),
        }
    }
}

crate::wire::flat_tagged! {
    LeadCapture via LeadCaptureWire by "mode" {
        fields { index: u16 }
        "off" => Off,
        "before" => Before,
        "after_section" => AfterSection { index },
        "soft_end" => SoftEnd,
    }
}

/// When a shared page asks the reader for their details (chosen per share).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case", try_from = "LeadCaptureWire")]
pub enum LeadCapture {
    #[default]
    Off,
    /// Before anything is shown.
    Before,
    /// Once the reader reaches this section (0-based block index).
    AfterSection { index: u16 },
    /// A dismissible ask at the end.
    SoftEnd,
}

impl LeadCapture {
    /// How many of `blocks` blocks are shown before the form asks for the reader's
    /// details (all of them when it does not ask first).
    pub fn open_blocks(self, blocks: usize) -> usize {
        match self {
            LeadCapture::Before => 0,
            LeadCapture::AfterSection { index } => (usize::from(index) + 1).min(blocks),
            LeadCapture::Off | LeadCapture::SoftEnd => blocks,
        }
    }

    /// Whether the reader must leave their details to read on.
    pub fn gates(self) -> bool {
        matches!(self, LeadCapture::Before | LeadCapture::AfterSection { .. })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Share {
    /// Random, URL-safe, at least 128 bits: `/s/{token}`.
    pub token: String,
    pub target: ShareTarget,
    /// The rep credited with every view down the chain.
    pub rep_id: String,
    pub contact_id: Option<String>,
    pub channel: Option<Channel>,
    /// The share this one was forwarded from (minted for a reader on open).
    pub parent: Option<String>,
    pub lead_capture: LeadCapture,
    #[cfg_attr(
        not(target_arch = "wasm32"),
        serde(deserialize_with = "crate::stamp::utc")
    )]
    pub created_at: DateTime<Utc>,
    /// The reader's link on a card this one was opened from (featured content), so
    /// the same reader opening it again gets the same link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

/// What a chat app shows for a link before anyone opens it (title, description,
/// thumbnail). Previewers run no JavaScript, so the server writes these into the page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkPreview {
    pub title: String,
    pub description: String,
    pub image: String,
}

/// What a reader leaves when a shared page asks for their details.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadDetails {
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub wechat_id: String,
    #[serde(default)]
    pub email: String,
}

impl LeadDetails {
    /// A name and at least one way to reach the reader, each well formed.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        use crate::validate::{email, max_len, optional, phone, required};
        let mut e = FieldErrors::default();
        let reachable = [&self.phone, &self.wechat_id, &self.email]
            .iter()
            .any(|v| !v.trim().is_empty());
        e.check("name", required(&self.name, 60))
            .check("phone", optional(&self.phone, phone))
            .check("wechat_id", max_len(&self.wechat_id, 40))
            .check("email", optional(&self.email, email))
            .check(
                "contact",
                if reachable {
                    Ok(())
                } else {
                    Err(FieldProblem::Required)
                },
            );
        e.into_result()
    }
}

/// The tokens from the root share down to `token`, following parents. Stops at a
/// cycle or a missing parent instead of looping, since the data may be damaged.
pub fn chain<'a>(token: &'a str, parent_of: impl Fn(&str) -> Option<&'a str>) -> Vec<&'a str> {
    let mut out = vec![token];
    let mut current = token;
    while let Some(p) = parent_of(current) {
        if out.contains(&p) || out.len() >= 64 {
            break;
        }
        out.push(p);
        current = p;
    }
    out.reverse();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn targets_and_lead_capture_read_back_as_they_were_written() {
        for target in [
            ShareTarget::Card("a".into()),
            ShareTarget::Content("b".into()),
        ] {
            let json = serde_json::to_string(&target).unwrap();
            assert_eq!(serde_json::from_str::<ShareTarget>(&json).unwrap(), target);
        }
        assert_eq!(
            serde_json::from_str::<ShareTarget>(r#"{"id":"x","type":"card"}"#).unwrap(),
            ShareTarget::Card("x".into())
        );
        let modes = [
            LeadCapture::Off,
            LeadCapture::Before,
            LeadCapture::AfterSection { index: 3 },
            LeadCapture::SoftEnd,
        ];
        for mode in modes {
            let json = serde_json::to_string(&mode).unwrap();
            assert_eq!(serde_json::from_str::<LeadCapture>(&json).unwrap(), mode);
        }
        for json in [
            r#"{"type":"deal","id":"x"}"#,
            r#"{"type":"card"}"#,
            r#"{"mode":"after_section"}"#,
            r#"{"mode":"later"}"#,
        ] {
            let target = serde_json::from_str::<ShareTarget>(json);
            let mode = serde_json::from_str::<LeadCapture>(json);
            assert!(target.is_err() && mode.is_err(), "{json}");
        }
    }

    #[test]
    fn chain_walks_to_the_root_and_survives_cycles() {
        let parents: HashMap<&str, &str> = [("c", "b"), ("b", "a")].into();
        assert_eq!(chain("c", |t| parents.get(t).copied()), vec!["a", "b", "c"]);
        let cyclic: HashMap<&str, &str> = [("x", "y"), ("y", "x")].into();
        assert_eq!(chain("x", |t| cyclic.get(t).copied()), vec!["y", "x"]);
    }

    #[test]
    fn lead_details_need_a_name_and_a_way_to_reach_the_reader() {
        let ok = LeadDetails {
            name: "陈女士".into(),
            wechat_id: "chen_w".into(),
            ..Default::default()
        };
        assert!(ok.validate().is_ok());
        let errs = LeadDetails {
            name: " ".into(),
            phone: "abc".into(),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(errs.get("name"), Some(&FieldProblem::Required));
        assert_eq!(errs.get("phone"), Some(&FieldProblem::Phone));
        let unreachable = LeadDetails {
            name: "陈".into(),
            ..Default::default()
        };
        assert_eq!(
            unreachable.validate().unwrap_err().get("contact"),
            Some(&FieldProblem::Required)
        );
    }

    #[test]
    fn target_and_capture_wire_format() {
        let t = ShareTarget::Content("c1".into());
        assert_eq!(
            serde_json::to_value(&t).unwrap(),
            serde_json::json!({"type": "content", "id": "c1"})
        );
        let l = LeadCapture::AfterSection { index: 3 };
        assert_eq!(
            serde_json::to_value(l).unwrap(),
            serde_json::json!({"mode": "after_section", "index": 3})
        );
    }
}
