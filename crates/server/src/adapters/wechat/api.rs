//! The API of WeChat's family (Official Accounts and WeCom) as replies use it: an
//! access token fetched with the account's secret, kept until shortly before it
//! expires and fetched afresh when the platform says it is no longer valid, and
//! calls that carry it. Official Accounts use `stable_token`, so several servers
//! holding one account get the same token instead of invalidating each other's.

use crate::adapters::unreachable;
use crate::storage::files::StoredFile;
use lianjie_core::adapter::{WechatAccount, WecomAccount};
use lianjie_core::delivery::{FailureCode, Outcome};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A token is fetched again this long before the platform says it expires.
const EARLY: Duration = Duration::from_secs(300);

/// The platform's answer to every call: `errcode` 0 (or absent) is success.
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

/// The account a call is made for.
#[derive(Clone, Copy)]
pub enum Account<'a> {
    Wechat(&'a WechatAccount),
    Wecom(&'a WecomAccount),
}

impl Account<'_> {
    fn who(self) -> &'static str {
        match self {
            Account::Wechat(_) => "WeChat API",
            Account::Wecom(_) => "WeCom API",
        }
    }

    fn base(&self) -> &str {
        match self {
            Account::Wechat(a) => a.api_base(),
            Account::Wecom(a) => a.api_base(),
        }
    }

    fn slot(&self) -> String {
        match self {
            Account::Wechat(a) => format!("wechat:{}@{}", a.app_id, a.api_base()),
            Account::Wecom(a) => format!("wecom:{}:{}@{}", a.corp_id, a.open_kfid, a.api_base()),
        }
    }

    fn token_request(&self, http: &reqwest::Client, force: bool) -> reqwest::RequestBuilder {
        match self {
            Account::Wechat(a) => http
                .post(format!("{}/cgi-bin/stable_token", a.api_base()))
                .json(&json!({
                    "grant_type": "client_credential",
                    "appid": a.app_id,
                    "secret": a.app_secret,
                    "force_refresh": force,
                })),
            Account::Wecom(a) => http
                .get(format!("{}/cgi-bin/gettoken", a.api_base()))
                .query(&[("corpid", &a.corp_id), ("corpsecret", &a.secret)]),
        }
    }
}

/// The answer's fields (all of it, for calls that return more than a status), or
/// an outcome when there was none worth reading.
async fn answer(
    sent: reqwest::Result<reqwest::Response>,
    who: &str,
) -> Result<(Answer, Value), Outcome> {
    let resp = sent.map_err(|e| unreachable(&e, who))?;
    let status = resp.status();
    if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
        return Err(Outcome::Passing(format!("{who} answered {status}")));
    }
    let all: Value = resp.json().await.map_err(|e| unreachable(&e, who))?;
    let a = Answer::deserialize(&all)
        .map_err(|_| Outcome::Passing(format!("{who}: answered something unreadable")))?;
    Ok((a, all))
}

/// What a refusal from the platform comes to.
fn failure(a: &Answer, what: &str) -> Outcome {
    let detail = format!("{what}: {} {}", a.errcode, a.errmsg);
    if PASSING.contains(&a.errcode) {
        Outcome::Passing(detail)
    } else {
        Outcome::Refused(FailureCode::Rejected, detail)
    }
}

/// Access tokens by account, shared by every call.
#[derive(Default)]
pub struct Tokens {
    held: Mutex<HashMap<String, (String, Instant)>>,
}

impl Tokens {
    async fn token(
        &self,
        http: &reqwest::Client,
        account: Account<'_>,
        force: bool,
    ) -> Result<String, Outcome> {
        let now = Instant::now();
        if !force
            && let Some((token, until)) = self.lock().get(&account.slot())
            && now < *until
        {
            return Ok(token.clone());
        }
        let (a, _) = answer(
            account.token_request(http, force).send().await,
            account.who(),
        )
        .await?;
        if a.errcode != 0 || a.access_token.is_empty() {
            return Err(failure(&a, "access token"));
        }
        let until = now + Duration::from_secs(a.expires_in).saturating_sub(EARLY);
        self.lock()
            .insert(account.slot(), (a.access_token.clone(), until));
        Ok(a.access_token)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (String, Instant)>> {
        self.held.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Posts `body` to `path` with the account's access token; a token the
    /// platform no longer takes is fetched afresh once. The whole answer when it
    /// succeeded; else the outcome `what` came to.
    pub async fn call(
        &self,
        http: &reqwest::Client,
        account: Account<'_>,
        path: &str,
        body: &Value,
        what: &str,
    ) -> Result<Value, Outcome> {
        for force in [false, true] {
            let token = self.token(http, account, force).await?;
            let sent = http
                .post(format!("{}{path}", account.base()))
                .query(&[("access_token", token.as_str())])
                .json(body)
                .send()
                .await;
            let (a, all) = answer(sent, account.who()).await?;
            match a.errcode {
                0 => return Ok(all),
                code if STALE_TOKEN.contains(&code) && !force => continue,
                _ => return Err(failure(&a, what)),
            }
        }
        Err(Outcome::Refused(
            FailureCode::Rejected,
            format!(
                "{}: a freshly fetched access token was refused",
                account.who()
            ),
        ))
    }

    /// Media `media_id` (a voice message, a video, a file) by the platform's
    /// `/cgi-bin/media/get`: its bytes, type and name. A token the platform no
    /// longer takes is fetched afresh once; errors come as JSON.
    pub async fn media(
        &self,
        http: &reqwest::Client,
        account: Account<'_>,
        media_id: &str,
    ) -> Result<StoredFile, Outcome> {
        let who = account.who();
        for force in [false, true] {
            let token = self.token(http, account, force).await?;
            let resp = http
                .get(format!("{}/cgi-bin/media/get", account.base()))
                .query(&[("access_token", token.as_str()), ("media_id", media_id)])
                .send()
                .await
                .map_err(|e| unreachable(&e, who))?;
            if !resp.status().is_success() {
                return Err(Outcome::Passing(format!(
                    "{who} answered {}",
                    resp.status()
                )));
            }
            let header = |name: reqwest::header::HeaderName| {
                resp.headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned()
            };
            let content_type = header(reqwest::header::CONTENT_TYPE)
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase();
            let name = file_name(&header(reqwest::header::CONTENT_DISPOSITION))
                .unwrap_or_else(|| format!("{media_id}.{}", extension(&content_type)));
            let bytes = resp.bytes().await.map_err(|e| unreachable(&e, who))?;
            if content_type.contains("json") || content_type.starts_with("text/") {
                let a: Answer = serde_json::from_slice(&bytes).unwrap_or_default();
                if STALE_TOKEN.contains(&a.errcode) && !force {
                    continue;
                }
                return Err(failure(&a, "media"));
            }
            return Ok(StoredFile {
                name,
                content_type: if content_type.is_empty() {
                    "application/octet-stream".into()
                } else {
                    content_type
                },
                bytes: bytes.to_vec(),
            });
        }
        Err(Outcome::Refused(
            FailureCode::Rejected,
            format!("{who}: a freshly fetched access token was refused"),
        ))
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
        let path = "/cgi-bin/message/custom/send";
        match self
            .call(
                http,
                Account::Wechat(account),
                path,
                &body,
                "customer-service message",
            )
            .await
        {
            Ok(_) => Outcome::Sent,
            Err(outcome) => outcome,
        }
    }
}

/// The file name a `Content-Disposition` gives (`filename="…"`).
fn file_name(disposition: &str) -> Option<String> {
    let at = disposition.find("filename=")? + "filename=".len();
    let name = disposition[at..]
        .split(';')
        .next()?
        .trim()
        .trim_matches('"');
    (!name.is_empty()).then(|| name.to_owned())
}

/// A file extension for media of `content_type` that came without a name.
fn extension(content_type: &str) -> &'static str {
    match content_type {
        "audio/amr" => "amr",
        "audio/speex" | "audio/x-speex" => "spx",
        "audio/mpeg" | "audio/mp3" => "mp3",
        "video/mp4" => "mp4",
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/gif" => "gif",
        _ => "bin",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_are_named_by_the_platform_or_by_their_type() {
        assert_eq!(
            file_name(r#"attachment; filename="MEDIA_ID.jpg""#).as_deref(),
            Some("MEDIA_ID.jpg")
        );
        assert_eq!(file_name("attachment"), None);
        assert_eq!((extension("audio/amr"), extension("x/y")), ("amr", "bin"));
    }
}
