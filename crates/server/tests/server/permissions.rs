//! Who may do what, over real HTTP: the permission matrix (every operation of the
//! contract × every role, anonymous, and an admin of another organization). What
//! lists and events hold per scope is in `scopes.rs`, sign-in in `sign_in.rs`, the
//! public answers' fields in `public_fields.rs`.

use crate::common;
use crate::common::{Server, start};
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// Who calls, in the order every row is tried: the organization's own admin last,
/// so a row's one successful change comes after every refusal.
const WHO: [&str; 6] = ["anonymous", "stranger", "rep", "manager", "agent", "admin"];

/// Demo accounts for each caller: 王磊 (rep, East China), 陈刚 (his manager), 赵敏
/// (support), the admin, and the admin of the other organization.
fn email(who: &str) -> Option<&'static str> {
    Some(match who {
        "stranger" => "admin@beichen.example",
        "rep" => "wang-lei@lianjie.example",
        "manager" => "chen-gang@lianjie.example",
        "agent" => "zhaomin@lianjie.example",
        "admin" => "admin@lianjie.example",
        _ => return None,
    })
}

/// One operation of the contract, as called, with the answer each caller gets.
struct Row {
    method: Method,
    /// The contract's path template, as `docs/openapi.yaml` names it.
    template: &'static str,
    path: String,
    /// `{who}` in the body is replaced by the caller, for values that must differ.
    body: Option<Value>,
    expect: [u16; 6],
}

fn row(
    method: Method,
    template: &'static str,
    path: &str,
    body: Option<Value>,
    expect: [u16; 6],
) -> Row {
    Row {
        method,
        template,
        path: path.to_owned(),
        body,
        expect,
    }
}

/// Every documented (method, path template) pair in the contract.
fn documented_operations() -> BTreeSet<(String, String)> {
    let spec = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/openapi.yaml"
    ))
    .unwrap();
    let paths = spec
        .split("\npaths:\n")
        .nth(1)
        .unwrap()
        .split("\ncomponents:")
        .next()
        .unwrap();
    let mut out = BTreeSet::new();
    let mut current = None;
    for line in paths.lines() {
        if line.starts_with("  /") {
            current = Some(line.trim().trim_end_matches(':').to_owned());
        } else if let Some(path) = &current {
            let method = line.strip_prefix("    ").and_then(|m| m.strip_suffix(':'));
            if let Some(m) =
                method.filter(|m| ["get", "post", "put", "patch", "delete"].contains(m))
            {
                out.insert((m.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

/// The status alone (an SSE stream never ends, so its body is not read).
async fn status(
    s: &Server,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> u16 {
    let mut req = s.http.request(method, s.url(path));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(b);
    }
    req.send().await.unwrap().status().as_u16()
}

fn with_who(body: &Value, who: &str) -> Value {
    serde_json::from_str(&body.to_string().replace("{who}", who)).unwrap()
}

#[tokio::test]
async fn permission_matrix_covers_every_operation_for_every_role() {
    let s = start().await;
    let mut tokens = Vec::new();
    for who in WHO {
        tokens.push(match email(who) {
            Some(e) => Some(s.login_as(e).await),
            None => None,
        });
    }
    let admin = tokens[5].clone().unwrap();
    // What the rows need: a user to deactivate, a card and an article as they are,
    // a link to open and a reader's own link on the card.
    let (_, created) = s
        .call(
            Method::POST,
            "/users",
            Some(&admin),
            Some(json!({"name": "临时", "email": "temp@lianjie.example", "role": "rep"})),
        )
        .await;
    let temp = created["user"]["id"].as_str().unwrap().to_owned();
    let card = s
        .call(Method::GET, "/cards/wang-lei", Some(&admin), None)
        .await
        .1;
    let (_, contents) = s.call(Method::GET, "/contents", Some(&admin), None).await;
    let article = contents
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "c-pricing")
        .unwrap()
        .clone();
    let share = s.share_pricing(&tokens[2].clone().unwrap()).await;
    let (_, opened) = s
        .call(Method::GET, "/public/cards/wang-lei", None, None)
        .await;
    let reader = opened["child_token"].as_str().unwrap().to_owned();
    // A view the link's page was issued; anyone holding it may report it (merged by
    // maximum, so every caller's repeat is harmless).
    let mut snapshot = common::snapshot_of(&s.open(&share).await, 5000);
    snapshot["totals"] = json!({"visible_ms": 5000, "max_scroll_pct": 50, "video_ms": 0, "sections": {}, "actions": []});
    // Counted already, so the reading is on 王磊's radar for the task rows.
    let (tracked, _) = s.track(snapshot.clone()).await;
    assert!(tracked.is_success());
    let reading = snapshot["session_id"].as_str().unwrap().to_owned();

    use Method as M;
    // k-000 and v-000 are 王磊's customer and conversation; k-002 and v-002 Emily's
    // (South China: outside 陈刚's team); k-003 is 王磊's too.
    let rows = vec![
        row(
            M::GET,
            "/health",
            "/health",
            None,
            [200, 200, 200, 200, 200, 200],
        ),
        row(
            M::POST,
            "/auth/login",
            "/auth/login",
            Some(json!({"email": "nobody-{who}@x.example", "password": "wrong-password"})),
            [401; 6],
        ),
        row(M::GET, "/me", "/me", None, [401, 200, 200, 200, 200, 200]),
        row(
            M::GET,
            "/me/sessions",
            "/me/sessions",
            None,
            [401, 200, 200, 200, 200, 200],
        ),
        row(
            M::DELETE,
            "/me/sessions/{id}",
            "/me/sessions/not-mine",
            None,
            [401, 404, 404, 404, 404, 404],
        ),
        row(M::GET, "/org", "/org", None, [401, 200, 200, 200, 200, 200]),
        // The built-in stages again: allowed, and nothing changes for the others.
        row(
            M::PUT,
            "/org/stages",
            "/org/stages",
            Some(
                json!({"stages": [{"id": "lead", "kind": "open"}, {"id": "to_follow", "kind": "open"}, {"id": "following", "kind": "open"}, {"id": "opportunity", "kind": "open"}, {"id": "won", "kind": "won"}, {"id": "lost", "kind": "lost"}, {"id": "churned", "kind": "lost"}]}),
            ),
            [401, 200, 403, 403, 403, 200],
        ),
        // An empty list: tags stay free for the tests after this row.
        row(
            M::PUT,
            "/org/tags",
            "/org/tags",
            Some(json!({"tags": []})),
            [401, 200, 403, 200, 403, 200],
        ),
        row(
            M::GET,
            "/users",
            "/users",
            None,
            [401, 200, 200, 200, 200, 200],
        ),
        // The stranger is an admin too: of their own organization, where this lands.
        row(
            M::POST,
            "/users",
            "/users",
            Some(json!({"name": "新人", "email": "new-{who}@example.com", "role": "rep"})),
            [401, 201, 403, 403, 403, 201],
        ),
        row(
            M::PATCH,
            "/users/{id}",
            "/users/u-lina",
            Some(json!({"name": "李娜"})),
            [401, 404, 403, 403, 403, 200],
        ),
        row(
            M::POST,
            "/users/{id}/deactivate",
            &format!("/users/{temp}/deactivate"),
            Some(json!({"transfer_to": null})),
            [401, 404, 403, 403, 403, 200],
        ),
        row(
            M::POST,
            "/users/{id}/reactivate",
            &format!("/users/{temp}/reactivate"),
            None,
            [401, 404, 403, 403, 403, 200],
        ),
        row(
            M::PUT,
            "/departments/{id}",
            "/departments/d-matrix",
            Some(json!({"name": "Matrix", "parent_id": null})),
            [401, 200, 403, 403, 403, 200],
        ),
        row(
            M::DELETE,
            "/departments/{id}",
            "/departments/d-matrix",
            None,
            [401, 204, 403, 403, 403, 204],
        ),
        row(
            M::GET,
            "/cards/{id}",
            "/cards/wang-lei",
            None,
            [401, 404, 200, 200, 200, 200],
        ),
        // Only the card's owner (or an admin) changes it, not even their manager.
        row(
            M::PUT,
            "/cards/{id}",
            "/cards/wang-lei",
            Some(card.clone()),
            [401, 404, 200, 403, 403, 200],
        ),
        row(
            M::GET,
            "/cards/{id}/analytics",
            "/cards/wang-lei/analytics",
            None,
            [401, 404, 200, 200, 403, 200],
        ),
        row(
            M::GET,
            "/cards/{id}/analytics",
            "/cards/emily-chen/analytics",
            None,
            [401, 404, 404, 404, 403, 200],
        ),
        row(
            M::GET,
            "/contents",
            "/contents",
            None,
            [401, 200, 200, 200, 200, 200],
        ),
        row(
            M::GET,
            "/contents/ranking",
            "/contents/ranking",
            None,
            [401, 200, 200, 200, 200, 200],
        ),
        // What content led to, over the whole organization: for those who share.
        row(
            M::GET,
            "/contents/what-works",
            "/contents/what-works?tag=%E4%BB%B7%E6%A0%BC",
            None,
            [401, 200, 200, 200, 403, 200],
        ),
        // Suggestions for a customer the caller may see (k-002 is not the rep's).
        row(
            M::GET,
            "/contacts/{id}/suggestions",
            "/contacts/k-000/suggestions",
            None,
            [401, 404, 200, 200, 403, 200],
        ),
        row(
            M::GET,
            "/contacts/{id}/suggestions",
            "/contacts/k-002/suggestions",
            None,
            [401, 404, 404, 404, 403, 200],
        ),
        // The stranger's organization may not take an id another one uses.
        row(
            M::PUT,
            "/contents/{id}",
            "/contents/c-pricing",
            Some(article.clone()),
            [401, 422, 200, 200, 403, 200],
        ),
        row(
            M::GET,
            "/contents/{id}/analytics",
            "/contents/c-pricing/analytics",
            None,
            [401, 404, 200, 200, 403, 200],
        ),
        row(
            M::GET,
            "/contacts",
            "/contacts",
            None,
            [401, 200, 200, 200, 200, 200],
        ),
        row(
            M::GET,
            "/customers",
            "/customers?view=hot&sort=intent",
            None,
            [401, 200, 200, 200, 200, 200],
        ),
        row(
            M::POST,
            "/contacts",
            "/contacts",
            Some(json!({"id": "new-{who}", "name": "新客户"})),
            [401, 201, 201, 201, 403, 201],
        ),
        row(
            M::PUT,
            "/contacts/{id}",
            "/contacts/k-000",
            Some(json!({"name": "王先生", "company": "云帆物流"})),
            [401, 404, 200, 200, 403, 200],
        ),
        row(
            M::PUT,
            "/contacts/{id}/stage",
            "/contacts/k-000/stage",
            Some(json!({"stage": "following", "log_id": "st-{who}"})),
            [401, 404, 200, 200, 403, 200],
        ),
        row(
            M::PUT,
            "/contacts/{id}/star",
            "/contacts/k-000/star",
            Some(json!({"starred": true})),
            [401, 404, 200, 200, 200, 200],
        ),
        row(
            M::POST,
            "/contacts/{id}/follow-ups",
            "/contacts/k-000/follow-ups",
            Some(json!({"id": "fu-{who}", "method": "call", "text": "电话沟通"})),
            [401, 404, 201, 201, 201, 201],
        ),
        row(
            M::GET,
            "/pipeline",
            "/pipeline?mine=true",
            None,
            [401, 200, 200, 200, 200, 200],
        ),
        row(
            M::POST,
            "/deals",
            "/deals",
            Some(
                json!({"id": "deal-{who}", "contact_id": "k-000", "title": "年度订阅", "amount_fen": 8640000}),
            ),
            [401, 404, 201, 201, 403, 201],
        ),
        row(
            M::PUT,
            "/deals/{id}",
            "/deals/deal-rep",
            Some(
                json!({"title": "年度订阅", "amount_fen": 8640000, "probability": 40, "log_id": "ed-{who}"}),
            ),
            [401, 404, 200, 200, 403, 200],
        ),
        row(
            M::PUT,
            "/deals/{id}/stage",
            "/deals/deal-rep/stage",
            Some(json!({"stage": "proposal", "log_id": "mv-{who}"})),
            [401, 404, 200, 200, 403, 200],
        ),
        row(
            M::GET,
            "/contacts/{id}/deals",
            "/contacts/k-000/deals",
            None,
            [401, 404, 200, 200, 200, 200],
        ),
        row(
            M::GET,
            "/tasks",
            "/tasks?filter=upcoming&tz_offset=480",
            None,
            [401, 200, 200, 200, 200, 200],
        ),
        row(
            M::POST,
            "/tasks",
            "/tasks",
            Some(
                json!({"id": "task-{who}", "contact_id": "k-000", "title": "发送报价单", "due_at": "2030-01-01T00:00:00Z"}),
            ),
            [401, 404, 201, 201, 201, 201],
        ),
        row(
            M::POST,
            "/tasks/from-reading",
            "/tasks/from-reading",
            Some(json!({"id": "read-{who}", "session_id": reading})),
            [401, 404, 201, 201, 403, 201],
        ),
        row(
            M::PUT,
            "/tasks/{id}/done",
            "/tasks/task-rep/done",
            Some(json!({"done": true})),
            [401, 404, 200, 200, 404, 200],
        ),
        row(
            M::POST,
            "/customers/bulk",
            "/customers/bulk",
            Some(
                json!({"ids": ["k-003"], "change": {"type": "add_tag", "tag": "重点"}, "log_id": "bulk-{who}"}),
            ),
            [401, 404, 200, 200, 403, 200],
        ),
        // Anyone who keeps customers imports them into their own organization.
        row(
            M::POST,
            "/customers/import",
            "/customers/import",
            Some(
                json!({"id": "imp-{who}", "columns": ["name", "phone"], "rows": [{"row": 2, "cells": ["导入客户", "13700000000"]}], "commit": true}),
            ),
            [401, 200, 200, 200, 403, 200],
        ),
        row(
            M::GET,
            "/contacts/{id}",
            "/contacts/k-000",
            None,
            [401, 404, 200, 200, 200, 200],
        ),
        row(
            M::GET,
            "/contacts/{id}",
            "/contacts/k-002",
            None,
            [401, 404, 404, 404, 200, 200],
        ),
        // The rep owns both and merges them; then the agent no longer sees k-003 (its
        // conversation moved to k-000) and the admin finds them merged already.
        row(
            M::POST,
            "/contacts/{id}/merge",
            "/contacts/k-000/merge",
            Some(json!({"other_id": "k-003"})),
            [401, 404, 200, 403, 404, 404],
        ),
        // The rep undoes it; after that there is no merge left to undo.
        row(
            M::POST,
            "/contacts/{id}/unmerge",
            "/contacts/k-003/unmerge",
            None,
            [401, 404, 200, 404, 404, 404],
        ),
        // "Not the same person", as merging: the owner or an admin (the manager and
        // the agent see k-000 but may not); no suggestion is no change.
        row(
            M::POST,
            "/contacts/{id}/not-duplicate",
            "/contacts/k-000/not-duplicate",
            None,
            [401, 404, 200, 403, 403, 200],
        ),
        row(
            M::GET,
            "/contacts/{id}/timeline",
            "/contacts/k-002/timeline",
            None,
            [401, 404, 404, 404, 200, 200],
        ),
        row(
            M::GET,
            "/contacts/{id}/intent-trend",
            "/contacts/k-000/intent-trend",
            None,
            [401, 404, 200, 200, 200, 200],
        ),
        row(
            M::GET,
            "/canned-replies",
            "/canned-replies",
            None,
            [401, 200, 200, 200, 200, 200],
        ),
        row(
            M::POST,
            "/shares",
            "/shares",
            Some(json!({"target": {"type": "content", "id": "c-pricing"}, "contact_id": "k-000"})),
            [401, 404, 201, 201, 403, 201],
        ),
        row(
            M::POST,
            "/shares",
            "/shares",
            Some(json!({"target": {"type": "card", "id": "wang-lei"}})),
            [401, 404, 201, 403, 403, 201],
        ),
        row(
            M::GET,
            "/radar",
            "/radar",
            None,
            [401, 200, 200, 200, 403, 200],
        ),
        // Everyone has a today; an agent's holds the inbox figure alone.
        row(
            M::GET,
            "/today",
            "/today",
            None,
            [401, 200, 200, 200, 200, 200],
        ),
        row(
            M::GET,
            "/conversations",
            "/conversations",
            None,
            [401, 200, 200, 200, 200, 200],
        ),
        row(
            M::PATCH,
            "/conversations/{id}",
            "/conversations/v-002",
            Some(json!({"read": true})),
            [401, 404, 404, 404, 200, 200],
        ),
        row(
            M::PATCH,
            "/conversations/{id}",
            "/conversations/v-000",
            Some(json!({"assignee_id": "u-nobody"})),
            [401, 404, 422, 422, 422, 422],
        ),
        row(
            M::GET,
            "/conversations/{id}/messages",
            "/conversations/v-000/messages",
            None,
            [401, 404, 200, 200, 200, 200],
        ),
        row(
            M::POST,
            "/conversations/{id}/messages",
            "/conversations/v-002/messages",
            Some(json!({"body": "您好", "idempotency_key": "mx-{who}"})),
            [401, 404, 404, 404, 201, 201],
        ),
        // v-002's first reply was refused by WeCom (the seed); nothing sends on
        // WeCom in the demo, so a retry fails again, and says why.
        row(
            M::POST,
            "/conversations/{id}/messages/{message_id}/retry",
            "/conversations/v-002/messages/v-002-m1/retry",
            None,
            [401, 404, 404, 404, 200, 200],
        ),
        // Posting as a customer is for signed adapters: no staff token opens it.
        row(
            M::POST,
            "/channels/{channel}/inbound",
            "/channels/wechat/inbound",
            Some(
                json!({"handle": "wx-{who}", "name": "", "body": "hi", "idempotency_key": "in-{who}"}),
            ),
            [401; 6],
        ),
        row(
            M::GET,
            "/channels/{channel}/inbound",
            "/channels/wechat/inbound",
            None,
            [401; 6],
        ),
        // Receipts are the SMS gateway's, authenticated by their address alone.
        row(
            M::POST,
            "/channels/sms/receipts",
            "/channels/sms/receipts",
            Some(json!({"ref": "v-002-m1", "status": "delivered"})),
            [401; 6],
        ),
        // The admin's simulator; the stranger posts into their own organization.
        row(
            M::POST,
            "/channels/{channel}/simulate",
            "/channels/wechat/simulate",
            Some(
                json!({"handle": "wx-{who}", "name": "", "body": "hi", "idempotency_key": "in-{who}"}),
            ),
            [401, 201, 403, 403, 403, 201],
        ),
        // The public pool: k-050 waits in it, k-006 is 王磊's.
        row(
            M::GET,
            "/pools",
            "/pools",
            None,
            [401, 200, 200, 200, 200, 200],
        ),
        // Sellers and admins compete on it; support has no radar.
        row(
            M::GET,
            "/leaderboard",
            "/leaderboard?period=month&by=read_rate",
            None,
            [401, 200, 200, 200, 403, 200],
        ),
        // Each seller's load: a rep's own, a manager's department; support has none.
        // The other organization has no such department.
        row(
            M::GET,
            "/team/board",
            "/team/board?department=d-east",
            None,
            [401, 404, 200, 200, 403, 200],
        ),
        row(
            M::PUT,
            "/org/pools",
            "/org/pools",
            Some(
                json!({"pools": [{"id": "p-all", "name": "公海 Public pool", "department_ids": [], "rules": {"claims_per_day": 10, "max_customers": 200, "reclaim_after_days": 7, "recycle_without_follow_up_days": 45, "recycle_without_won_deal_days": 365, "warn_days": 3, "locks_per_rep": 5, "engaged_intent": 70, "engaged_within_hours": 72}}]}),
            ),
            [401, 200, 403, 403, 403, 200],
        ),
        row(
            M::GET,
            "/customers/due-back",
            "/customers/due-back",
            None,
            [401, 200, 200, 200, 200, 200],
        ),
        // 王磊 claims it; then it is his, and nobody else's to claim.
        row(
            M::POST,
            "/contacts/{id}/claim",
            "/contacts/k-050/claim",
            Some(json!({"log_id": "claim-{who}"})),
            [401, 404, 200, 422, 403, 422],
        ),
        row(
            M::PUT,
            "/contacts/{id}/lock",
            "/contacts/k-006/lock",
            Some(json!({"locked": true})),
            [401, 404, 200, 200, 403, 200],
        ),
        // 王磊 gives it back; then nobody owns it to give back.
        row(
            M::POST,
            "/contacts/{id}/release",
            "/contacts/k-006/release",
            Some(json!({"reason": "换人跟进", "log_id": "release-{who}"})),
            [401, 404, 200, 422, 403, 422],
        ),
        row(
            M::POST,
            "/pools/run",
            "/pools/run",
            None,
            [401, 200, 403, 403, 403, 200],
        ),
        row(
            M::GET,
            "/channel-keys",
            "/channel-keys",
            None,
            [401, 200, 403, 403, 403, 200],
        ),
        row(
            M::POST,
            "/channel-keys",
            "/channel-keys",
            Some(json!({"channel": "sms", "label": "gateway {who}"})),
            [401, 201, 403, 403, 403, 201],
        ),
        row(
            M::POST,
            "/channel-keys/{id}/rotate",
            "/channel-keys/ck-none/rotate",
            None,
            [401, 404, 403, 403, 403, 404],
        ),
        row(
            M::POST,
            "/channel-keys/{id}/revoke",
            "/channel-keys/ck-none/revoke",
            None,
            [401, 404, 403, 403, 403, 404],
        ),
        row(
            M::GET,
            "/public/cards/{id}",
            "/public/cards/wang-lei",
            None,
            [200; 6],
        ),
        // A file a customer sent is served by its unguessable address alone; none
        // is guessed (this one was never kept).
        row(
            M::GET,
            "/files/{id}",
            "/files/0123456789abcdef0123456789abcdef",
            None,
            [404; 6],
        ),
        // Save contact as a plain link: public, like the card itself.
        row(
            M::GET,
            "/public/cards/{id}/vcard",
            "/public/cards/wang-lei/vcard",
            None,
            [200; 6],
        ),
        row(
            M::GET,
            "/public/shares/{token}",
            &format!("/public/shares/{share}"),
            None,
            [200; 6],
        ),
        row(
            M::POST,
            "/public/shares/{token}/featured/{content_id}",
            &format!("/public/shares/{reader}/featured/c-pricing"),
            None,
            [200; 6],
        ),
        row(
            M::GET,
            "/public/shares/{token}/messages",
            &format!("/public/shares/{share}/messages?visitor=v-1"),
            None,
            [200; 6],
        ),
        row(
            M::POST,
            "/public/shares/{token}/messages",
            &format!("/public/shares/{share}/messages"),
            Some(
                json!({"handle": "visitor-{who}", "name": "", "body": "hi", "idempotency_key": "wc-{who}"}),
            ),
            [201; 6],
        ),
        row(
            M::POST,
            "/public/shares/{token}/lead",
            &format!("/public/shares/{reader}/lead"),
            Some(json!({"name": "路人", "phone": "13912345678", "wechat_id": "", "email": ""})),
            [204; 6],
        ),
        row(
            M::POST,
            "/public/track",
            "/public/track",
            Some(snapshot),
            [204; 6],
        ),
        row(
            M::GET,
            "/events",
            "/events",
            None,
            [401, 200, 200, 200, 200, 200],
        ),
        // Demo mode (on in these tests): each admin resets their own organization.
        row(
            M::POST,
            "/demo/reset",
            "/demo/reset",
            None,
            [401, 204, 403, 403, 403, 204],
        ),
        row(
            M::PUT,
            "/me/password",
            "/me/password",
            Some(json!({"old_password": "not-it", "new_password": "long-enough-password"})),
            [401, 422, 422, 422, 422, 422],
        ),
        row(
            M::POST,
            "/auth/logout",
            "/auth/logout",
            None,
            [401, 204, 204, 204, 204, 204],
        ),
    ];

    let covered: BTreeSet<(String, String)> = rows
        .iter()
        .map(|r| (r.method.to_string(), r.template.to_owned()))
        .collect();
    let documented = documented_operations();
    let missing: Vec<_> = documented.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "operations without a matrix row: {missing:?}"
    );
    let unknown: Vec<_> = covered.difference(&documented).collect();
    assert!(
        unknown.is_empty(),
        "rows for undocumented operations: {unknown:?}"
    );

    let mut failures = Vec::new();
    for r in &rows {
        for (i, who) in WHO.iter().enumerate() {
            let body = r.body.as_ref().map(|b| with_who(b, who));
            let got = status(
                &s,
                r.method.clone(),
                &r.path,
                tokens[i].as_deref(),
                body.as_ref(),
            )
            .await;
            if got != r.expect[i] {
                failures.push(format!(
                    "{} {} as {who}: got {got}, expected {}",
                    r.method, r.path, r.expect[i]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    println!(
        "permission matrix: {} rows over {} operations x {} callers = {} checks",
        rows.len(),
        documented.len(),
        WHO.len(),
        rows.len() * WHO.len()
    );
}
