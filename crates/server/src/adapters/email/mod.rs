//! Email: each connected support mailbox is read by IMAP (IDLE where the server
//! has it, a poll otherwise) from the position kept on its credential, each mail
//! kept once (by its Message-ID) in the conversation it answers, and replies leave
//! by SMTP, threaded (`docs/channels.md`).

pub mod imap;
pub mod parse;
pub mod smtp;

use crate::storage::Storage;
use crate::storage::files::StoredFile;
use crate::{AppState, Shared, Tenant};
use lianjie_core::api::{Event, InboundMessage};
use lianjie_core::channel::Channel;
use lianjie_core::delivery::Outcome;
use lianjie_core::inbox::{Attachment, Message};
use lianjie_core::mailbox::Mailbox;
use std::collections::HashMap;
use std::sync::{Arc, Weak};
use std::time::Duration;
use tokio::task::JoinHandle;

/// How often the connected mailboxes are looked for (a new or changed one starts
/// being read within this).
const LOOK_EVERY: Duration = Duration::from_secs(2);
/// Longest IDLE (servers end idle sessions after 30 minutes), or the poll's pace.
const IDLE_AT_MOST: Duration = Duration::from_secs(25 * 60);
const POLL_EVERY: Duration = Duration::from_secs(30);
/// Longest wait before connecting again after a failure.
const MOST_BACKOFF: Duration = Duration::from_secs(300);

/// Starts a reader for every live email credential with a mailbox, and stops the
/// reader of one revoked or changed.
pub async fn supervise(state: Weak<AppState>) {
    let mut readers: HashMap<(String, String), (Mailbox, JoinHandle<()>)> = HashMap::new();
    loop {
        let Some(s) = state.upgrade() else {
            for (_, (_, reader)) in readers.drain() {
                reader.abort();
            }
            return;
        };
        let mut wanted = HashMap::new();
        for (org, tenant) in &s.tenants {
            let db = tenant.lock();
            for key in db.channel_keys.values() {
                if let (Channel::Email, None, Some(m)) = (key.channel, key.revoked_at, &key.email) {
                    wanted.insert((org.clone(), key.id.clone()), m.clone());
                }
            }
        }
        drop(s);
        readers.retain(|id, (mailbox, reader)| {
            let keep = wanted.get(id) == Some(mailbox) && !reader.is_finished();
            if !keep {
                reader.abort();
            }
            keep
        });
        for (id, mailbox) in wanted {
            if let std::collections::hash_map::Entry::Vacant(slot) = readers.entry(id) {
                let (org, key) = slot.key().clone();
                let reader = tokio::spawn(read(state.clone(), org, key, mailbox.clone()));
                slot.insert((mailbox, reader));
            }
        }
        tokio::time::sleep(LOOK_EVERY).await;
    }
}

/// Reads one mailbox for as long as the server runs, connecting again (after a
/// growing pause) whenever the connection fails.
async fn read(state: Weak<AppState>, org: String, key_id: String, mailbox: Mailbox) {
    let mut pause = Duration::from_secs(1);
    loop {
        let outcome = session(&state, &org, &key_id, &mailbox).await;
        let Err(e) = outcome else { return };
        eprintln!(
            "mailbox {}: {e}; trying again in {} s",
            mailbox.address,
            pause.as_secs()
        );
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(MOST_BACKOFF);
    }
}

/// One connection: everything new is kept, then the next mail is waited for.
async fn session(
    state: &Weak<AppState>,
    org: &str,
    key_id: &str,
    mailbox: &Mailbox,
) -> Result<(), String> {
    let text = |e: imap::ImapError| e.to_string();
    let mut session = imap::open(mailbox).await.map_err(text)?;
    let kept = {
        let s = state.upgrade().ok_or("stopped")?;
        let tenant = s.tenant(org).map_err(|e| format!("{e:?}"))?;
        let cursor = tenant
            .lock()
            .channel_key(key_id)
            .map(|k| k.cursor.clone())
            .unwrap_or_default();
        imap::Position::parse(&cursor)
    };
    let (mut at, idle) = imap::select(&mut session, kept).await.map_err(text)?;
    loop {
        for (uid, raw) in imap::fetch_after(&mut session, at.last_uid)
            .await
            .map_err(text)?
        {
            let Some(s) = state.upgrade() else {
                return Ok(());
            };
            let tenant = s.tenant(org).map_err(|e| format!("{e:?}"))?;
            keep(&s, &tenant, mailbox, &raw).await?;
            at.last_uid = uid;
            // Moved past a mail only once it is kept: a failure reads it again.
            let (key, cursor) = (key_id.to_owned(), at.cursor());
            s.mutate(
                &tenant,
                move |db, _| db.set_channel_cursor(&key, cursor),
                |_| None,
            )
            .await
            .map_err(|e| format!("{e:?}"))?;
        }
        let most = if idle { IDLE_AT_MOST } else { POLL_EVERY };
        session = imap::wait(session, idle, most).await.map_err(text)?;
        if state.upgrade().is_none() {
            return Ok(());
        }
    }
}

/// Keeps one mail: in the conversation it answers when it names a reply of ours,
/// else in its sender's email conversation.
async fn keep(
    s: &Shared,
    tenant: &Arc<Tenant>,
    mailbox: &Mailbox,
    raw: &[u8],
) -> Result<(), String> {
    let Some(mail) = parse::read(raw) else {
        eprintln!(
            "mailbox {}: a mail with no sender was skipped",
            mailbox.address
        );
        return Ok(());
    };
    // Our own replies, copied into the inbox by some servers, are not the customer's.
    if mail.from.eq_ignore_ascii_case(&mailbox.address) {
        return Ok(());
    }
    let thread = mail
        .answers
        .iter()
        .find_map(|id| smtp::conversation_of(id, mailbox));
    // An automatic answer (an absence notice, a bounce) belongs in the thread it
    // answers; one answering nothing of ours starts no customer.
    if mail.automatic && thread.is_none() {
        return Ok(());
    }
    let known = match &thread {
        Some(v) => s
            .storage
            .mail_thread(&tenant.id, v)
            .await
            .map_err(|e| e.to_string())?,
        None => Default::default(),
    };
    let (attachments, named) = keep_files(s, &tenant.id, &mail).await?;
    let msg = InboundMessage {
        handle: mail.from.clone(),
        name: mail.name.clone(),
        body: parse::body(&mail, &known.subject, named),
        attachments,
        idempotency_key: format!(
            "mail-{}",
            crate::channel_auth::wechat_signature(&[mail.message_id.as_bytes()])
        ),
        context: None,
    };
    let ids = crate::routes::inbound_ids();
    let (conversation, _) = s
        .add_message_viewing(
            tenant,
            msg.idempotency_key.clone(),
            crate::held::inbound(Channel::Email, &msg.handle, thread.clone()),
            move |db, now| match thread {
                Some(v) => db.inbound_threaded(Channel::Email, &v, msg, ids, now),
                None => db.inbound(Channel::Email, msg, ids, now),
            },
            Event::message,
        )
        .await
        .map_err(|e| format!("{e:?}"))?;
    s.storage
        .note_mail(
            &tenant.id,
            &conversation.id,
            &mail.subject,
            &mail.message_id,
        )
        .await
        .map_err(|e| e.to_string())
}

/// Most files one mail keeps, the largest one, and all of them together; the rest
/// are named in its text.
const MAX_FILES: usize = 10;
const MAX_FILE_BYTES: usize = 10 << 20;
const MAX_MAIL_BYTES: usize = 25 << 20;

/// Keeps `mail`'s attachments as files, as the inbox's attachments; those it does
/// not keep (too many, too large, or no public address to serve them at).
async fn keep_files<'m>(
    s: &Shared,
    org: &str,
    mail: &'m parse::Mail,
) -> Result<(Vec<Attachment>, Vec<&'m parse::MailFile>), String> {
    let (mut kept, mut named, mut total) = (Vec::new(), Vec::new(), 0);
    for (i, f) in mail.attachments.iter().enumerate() {
        let fits = kept.len() < MAX_FILES
            && f.bytes.len() <= MAX_FILE_BYTES
            && total + f.bytes.len() <= MAX_MAIL_BYTES;
        let index = i.to_string();
        let origin = [
            mail.message_id.as_bytes(),
            index.as_bytes(),
            f.bytes.as_slice(),
        ];
        let file = StoredFile {
            name: f.name.clone(),
            content_type: f.content_type.clone(),
            bytes: f.bytes.clone(),
        };
        let attachment = match fits {
            true => crate::files::keep(s, org, &origin, file)
                .await
                .map_err(|e| e.to_string())?,
            false => None,
        };
        match attachment {
            Some(a) => {
                total += f.bytes.len();
                kept.push(a);
            }
            None => named.push(f),
        }
    }
    Ok((kept, named))
}

/// Sends reply `message` to `to` from `mailbox`, answering its conversation's
/// thread, which it then joins.
pub async fn send(
    storage: &Storage,
    org: &str,
    mailbox: &Mailbox,
    to: &str,
    message: &Message,
    text: &str,
) -> Outcome {
    let thread = match storage.mail_thread(org, &message.conversation_id).await {
        Ok(thread) => thread,
        Err(e) => return Outcome::Passing(format!("reading the thread: {e}")),
    };
    let outcome = smtp::send(mailbox, to, message, text, &thread).await;
    if outcome == Outcome::Sent {
        let id = smtp::message_id(message, mailbox);
        // Sent either way; a thread that misses it only threads the next reply less well.
        if let Err(e) = storage
            .note_mail(org, &message.conversation_id, "", &id)
            .await
        {
            eprintln!(
                "mailbox {}: noting a reply in its thread: {e}",
                mailbox.address
            );
        }
    }
    outcome
}
