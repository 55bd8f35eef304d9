//! WeChat's API as replies use it: a stable access token (fetched with the
//! AppSecret, kept until shortly before it expires, fetched afresh when WeChat says
//! it is no longer valid), and the customer-service message that carries a reply.
//! `stable_token` rather than `token`: several servers holding one account get the
//! same token instead of invalidating each other's.

use crate::adapters::unreachable;
use lianjie_core::adapter::WechatAccount;
use lianjie_core::delivery::{FailureCode, Outcome};
use serde::Deserialize;
use serde_json::json;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A token is fetched again this long before WeChat says it expires.
const EARLY: Duration = Duration::from_secs(300);

/// WeChat's answer to every call: `errcode` 0 (or absent) is success.
#[derive(Deserialize, Default)]
struct Answer {
    #[serde(default)]
    errcode: i64,
    #[serde(default)]
    errmsg: String,
    #[serde(default)]
    access_token: String,
    #[serde(default)]
    expires_in: u64,
}

/// Codes meaning the access token itself is no longer good.
const STALE_TOKEN: [i64; 3] = [40001, 40014, 42001];
/// Codes meaning "busy" or "over the rate limit": worth trying later.
const PASSING: [i64; 3] = [-1, 45009, 45011];

/// Access tokens by account, shared by every send.
#[derive(Default)]
pub struct Tokens {
    held: Mutex<HashMap<String, (String, Instant)>>,
}

fn slot(a: &WechatAccount) -> String {
    format!("{}@{}", a.app_id, a.api_base())
}

async fn answer(sent: reqwest::Result<reqwest::Response>) -> Result<Answer, Outcome> {
    let resp = sent.map_err(|e| unreachable(&e, "WeChat API"))?;
    let status = resp.status();
    if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
        return Err(Outcome::Passing(format!("WeChat API answered {status}")));
    }
    resp.json::<Answer>()
        .await
        .map_err(|e| unreachable(&e, "WeChat API"))
}

fn failure(a: &Answer, what: &str) -> Outcome {
    let detail = format!("{what}: {} {}", a.errcode, a.errmsg);
    if PASSING.contains(&a.errcode) {
        Outcome::Passing(detail)
    } else {
        Outcome::Refused(FailureCode::Rejected, detail)
    }
}

impl Tokens {
    async fn token(
        &self,
        http: &reqwest::Client,
        account: &WechatAccount,
        force: bool,
    ) -> Result<String, Outcome> {
        let now = Instant::now();
        if !force
            && let Some((token, until)) = self.lock().get(&slot(account))
            && now < *until
        {
            return Ok(token.clone());
        }
        let body = json!({
            "grant_type": "client_credential",
            "appid": account.app_id,
            "secret": account.app_secret,
            "force_refresh": force,
        });
        let url = format!("{}/cgi-bin/stable_token", account.api_base());
        let a = answer(http.post(url).json(&body).send().await).await?;
        if a.errcode != 0 || a.access_token.is_empty() {
            return Err(failure(&a, "access token"));
        }
        let until = now + Duration::from_secs(a.expires_in).saturating_sub(EARLY);
        self.lock()
            .insert(slot(account), (a.access_token.clone(), until));
        Ok(a.access_token)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (String, Instant)>> {
        self.held.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Sends `text` to follower `open_id` as a customer-service message: WeChat
    /// takes these within 48 hours of the follower's last message.
    pub async fn send_text(
        &self,
        http: &reqwest::Client,
        account: &WechatAccount,
        open_id: &str,
        text: &str,
    ) -> Outcome {
        let body = json!({"touser": open_id, "msgtype": "text", "text": {"content": text}});
        // A token WeChat no longer takes is fetched afresh once.
        for force in [false, true] {
            let token = match self.token(http, account, force).await {
                Ok(token) => token,
                Err(outcome) => return outcome,
            };
            let url = format!("{}/cgi-bin/message/custom/send", account.api_base());
            let sent = http
                .post(url)
                .query(&[("access_token", token.as_str())])
                .json(&body)
                .send()
                .await;
            let a = match answer(sent).await {
                Ok(a) => a,
                Err(outcome) => return outcome,
            };
            match a.errcode {
                0 => return Outcome::Sent,
                code if STALE_TOKEN.contains(&code) && !force => continue,
                _ => return failure(&a, "customer-service message"),
            }
        }
        Outcome::Refused(
            FailureCode::Rejected,
            "WeChat refused a freshly fetched access token".into(),
        )
    }
}
