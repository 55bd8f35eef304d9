//! IMAP as the support mailbox is read: a session over TLS (or plain TCP to this
//! machine), INBOX selected, mail past the last UID fetched without marking it
//! read, and IDLE to wait for more (a poll where the server has no IDLE).

use async_imap::extensions::idle::IdleResponse;
use async_imap::{Client, Session};
use futures_util::TryStreamExt as _;
use lianjie_core::mailbox::{MailSecurity, Mailbox};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::{TlsConnector, rustls};

pub trait Io: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug> Io for T {}
pub type ImapSession = Session<Box<dyn Io>>;

#[derive(Debug, thiserror::Error)]
pub enum ImapError {
    #[error("could not connect to {0}: {1}")]
    Connect(String, std::io::Error),
    #[error("signing in was refused: {0}")]
    Login(async_imap::error::Error),
    #[error("{0}")]
    Protocol(#[from] async_imap::error::Error),
    #[error("the server closed the connection")]
    Closed,
    #[error("no answer within {0} s")]
    Timeout(u64),
}

/// No connection step waits longer than this.
const STEP: Duration = Duration::from_secs(60);

async fn timed<T>(
    step: impl std::future::Future<Output = Result<T, ImapError>>,
) -> Result<T, ImapError> {
    tokio::time::timeout(STEP, step)
        .await
        .map_err(|_| ImapError::Timeout(STEP.as_secs()))?
}

fn tls() -> Result<TlsConnector, rustls::Error> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(TlsConnector::from(Arc::new(config)))
}

/// A signed-in session on `host`:`port` as `login`.
pub async fn sign_in(
    host: &str,
    port: u16,
    security: MailSecurity,
    login: &str,
    password: &str,
) -> Result<ImapSession, ImapError> {
    timed(async {
        let at = format!("{host}:{port}");
        let tcp = TcpStream::connect((host, port))
            .await
            .map_err(|e| ImapError::Connect(at.clone(), e))?;
        let stream: Box<dyn Io> = match security {
            MailSecurity::Plain => Box::new(tcp),
            // Mailbox::problems refuses STARTTLS for IMAP; TLS is the safe reading.
            MailSecurity::Tls | MailSecurity::Starttls => {
                let bad = |e: &dyn std::fmt::Display| {
                    ImapError::Connect(at.clone(), std::io::Error::other(e.to_string()))
                };
                let name = rustls::pki_types::ServerName::try_from(host.to_owned())
                    .map_err(|e| bad(&e))?;
                let connector = tls().map_err(|e| bad(&e))?;
                Box::new(
                    connector
                        .connect(name, tcp)
                        .await
                        .map_err(|e| ImapError::Connect(at.clone(), e))?,
                )
            }
        };
        let mut client = Client::new(stream);
        client
            .read_response()
            .await
            .map_err(async_imap::error::Error::from)?
            .ok_or(ImapError::Closed)?;
        client
            .login(login, password)
            .await
            .map_err(|(e, _)| ImapError::Login(e))
    })
    .await
}

/// [`sign_in`] with a mailbox's settings.
pub async fn open(m: &Mailbox) -> Result<ImapSession, ImapError> {
    sign_in(
        &m.imap_host,
        m.imap_port,
        m.imap_security,
        m.login(),
        &m.password,
    )
    .await
}

/// Where reading stands: the mailbox's UIDVALIDITY and the last UID kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub validity: u32,
    pub last_uid: u32,
}

impl Position {
    /// As kept on the credential: `validity:last_uid`.
    pub fn parse(cursor: &str) -> Option<Position> {
        let (v, u) = cursor.split_once(':')?;
        Some(Position {
            validity: v.parse().ok()?,
            last_uid: u.parse().ok()?,
        })
    }

    pub fn cursor(self) -> String {
        format!("{}:{}", self.validity, self.last_uid)
    }
}

/// How far back a mailbox read for the first time (or renumbered) is read.
const FIRST_READ_DAYS: i64 = 3;

/// Selects INBOX and says where to read from: `kept` when the mailbox is still
/// numbered as then; else (a first read, or UIDs renumbered) from the mail of the
/// last few days. Whether the server has IDLE.
pub async fn select(
    session: &mut ImapSession,
    kept: Option<Position>,
) -> Result<(Position, bool), ImapError> {
    let idle = timed(async { Ok(session.capabilities().await?.has_str("IDLE")) }).await?;
    let inbox = timed(async { Ok(session.select("INBOX").await?) }).await?;
    let validity = inbox.uid_validity.unwrap_or_default();
    if let Some(kept) = kept.filter(|k| k.validity == validity) {
        return Ok((kept, idle));
    }
    let since = (chrono::Utc::now() - chrono::Duration::days(FIRST_READ_DAYS)).format("%d-%b-%Y");
    let recent = timed(async { Ok(session.uid_search(format!("SINCE {since}")).await?) }).await?;
    let last_uid = match recent.iter().min() {
        Some(first) => first.saturating_sub(1),
        None => inbox.uid_next.unwrap_or(1).saturating_sub(1),
    };
    Ok((Position { validity, last_uid }, idle))
}

/// The mail after `last_uid`, oldest first, as (UID, raw bytes); not marked read.
pub async fn fetch_after(
    session: &mut ImapSession,
    last_uid: u32,
) -> Result<Vec<(u32, Vec<u8>)>, ImapError> {
    timed(async {
        let mut out = Vec::new();
        let range = format!("{}:*", last_uid.saturating_add(1));
        let mut stream = session.uid_fetch(&range, "(UID BODY.PEEK[])").await?;
        while let Some(fetch) = stream.try_next().await? {
            // `n:*` past the last UID still answers the last message.
            if let (Some(uid), Some(body)) = (fetch.uid, fetch.body())
                && uid > last_uid
            {
                out.push((uid, body.to_vec()));
            }
        }
        out.sort_by_key(|(uid, _)| *uid);
        Ok(out)
    })
    .await
}

/// Waits for new mail: IDLE for up to `most` (servers drop an idle session after
/// 30 minutes), or a poll after `most` when the server has no IDLE.
pub async fn wait(
    session: ImapSession,
    idle: bool,
    most: Duration,
) -> Result<ImapSession, ImapError> {
    if !idle {
        tokio::time::sleep(most).await;
        let mut session = session;
        timed(async { Ok(session.noop().await?) }).await?;
        return Ok(session);
    }
    let mut handle = session.idle();
    timed(async { Ok(handle.init().await?) }).await?;
    {
        // Dropping the stop source ends the wait at once: it is kept to the end.
        let (waiting, _stop) = handle.wait_with_timeout(most);
        // The wait's own timer restarts at every keep-alive; this one does not.
        match tokio::time::timeout(most, waiting).await {
            Ok(Ok(IdleResponse::ManualInterrupt)) => return Err(ImapError::Closed),
            Ok(Err(e)) => return Err(e.into()),
            Ok(Ok(IdleResponse::NewData(_) | IdleResponse::Timeout)) | Err(_) => {}
        }
    }
    timed(async { Ok(handle.done().await?) }).await
}
