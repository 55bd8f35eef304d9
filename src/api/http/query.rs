//! Query strings for the HTTP backend's list requests: values encoded, and the
//! lists' filters in the contract's names.

use lianjie_core::api::{ConversationQuery, StatusFilter};
use lianjie_core::customers::CustomerQuery;
use lianjie_core::leaderboard::BoardQuery;

/// A query string, its values encoded.
#[derive(Default)]
pub(super) struct Params(Vec<String>);

impl Params {
    pub(super) fn push(&mut self, key: &str, value: &str) -> &mut Self {
        self.0
            .push(format!("{key}={}", js_sys::encode_uri_component(value)));
        self
    }

    pub(super) fn maybe(&mut self, key: &str, value: Option<&str>) -> &mut Self {
        if let Some(v) = value {
            self.push(key, v);
        }
        self
    }

    pub(super) fn page(&mut self, cursor: Option<&str>, limit: Option<usize>) -> &mut Self {
        self.maybe("cursor", cursor)
            .maybe("limit", limit.map(|l| l.to_string()).as_deref())
    }

    pub(super) fn joined(&self) -> String {
        self.0.join("&")
    }
}

pub(super) fn query_string(q: &ConversationQuery) -> String {
    // Enums serialize to their wire names as JSON strings; strip the quotes.
    let plain = |v: serde_json::Result<String>| v.unwrap_or_default().trim_matches('"').to_owned();
    Params::default()
        .push("status", status_slug(q.status))
        .maybe("channel", q.channel.map(|c| c.slug()))
        .maybe("label", q.label.as_deref())
        .maybe("text", q.text.as_deref())
        .page(q.cursor.as_deref(), q.limit)
        .push("assignee", &plain(serde_json::to_string(&q.assignee)))
        .push("sort", &plain(serde_json::to_string(&q.sort)))
        .joined()
}

pub(super) fn board_query_string(q: &BoardQuery) -> String {
    Params::default()
        .push("period", q.period.key())
        .push("by", q.by.key())
        .maybe("department", q.department.as_deref())
        .joined()
}

pub(super) fn customer_query_string(q: &CustomerQuery) -> String {
    Params::default()
        .push("view", q.view.key())
        .push("sort", q.sort.key())
        .maybe("text", q.text.as_deref())
        .maybe("owner", q.owner.as_deref())
        .maybe("stage", q.stage.as_deref())
        .maybe("tag", q.tag.as_deref())
        .maybe("pool", q.pool.as_deref())
        .maybe("tz_offset", q.tz_offset.map(|m| m.to_string()).as_deref())
        .maybe(
            "untouched_days",
            q.untouched_days.map(|d| d.to_string()).as_deref(),
        )
        .page(q.cursor.as_deref(), q.limit)
        .joined()
}

fn status_slug(s: StatusFilter) -> &'static str {
    match s {
        StatusFilter::Open => "open",
        StatusFilter::Pending => "pending",
        StatusFilter::Snoozed => "snoozed",
        StatusFilter::Resolved => "resolved",
        StatusFilter::All => "all",
    }
}
