//! Replies by SMTP: from the support address, answering the thread's last mail
//! (`In-Reply-To`, `References`) under its subject, with a Message-ID naming the
//! reply and its conversation, so the customer's answer threads back.

use crate::storage::mail::MailThread;
use lettre::message::{Mailbox as Party, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Message as Mail, Tokio1Executor};
use lianjie_core::delivery::{FailureCode, Outcome};
use lianjie_core::inbox::Message;
use lianjie_core::mailbox::{MailSecurity, Mailbox};
use std::time::Duration;

/// The Message-ID of reply `message`: its id and conversation's, at the
/// mailbox's domain, so an answer naming it finds the conversation.
pub fn message_id(message: &Message, mailbox: &Mailbox) -> String {
    format!(
        "<{}.{}@{}>",
        message.id,
        message.conversation_id,
        mailbox.domain()
    )
}

/// The conversation a Message-ID of ours names, if it is one.
pub fn conversation_of(id: &str, mailbox: &Mailbox) -> Option<String> {
    let inner = id.trim().strip_prefix('<')?.strip_suffix('>')?;
    let (local, domain) = inner.rsplit_once('@')?;
    if !domain.eq_ignore_ascii_case(mailbox.domain()) {
        return None;
    }
    let (_, conversation) = local.split_once('.')?;
    crate::routes::id_param(conversation, "conversation").ok()
}

/// The subject a reply in `thread` carries.
fn subject(thread: &MailThread) -> String {
    match thread.subject.as_str() {
        "" => "Re: 您的来信 / Your message".into(),
        s if super::parse::topic(s) != s => s.to_owned(),
        s => format!("Re: {s}"),
    }
}

fn build(
    mailbox: &Mailbox,
    to: &str,
    message: &Message,
    text: &str,
    thread: &MailThread,
) -> Result<Mail, String> {
    let name = (!mailbox.display_name.is_empty()).then(|| mailbox.display_name.clone());
    let from = Party::new(
        name,
        mailbox
            .address
            .parse()
            .map_err(|e| format!("the support address: {e}"))?,
    );
    let to: Party = to
        .parse()
        .map_err(|e| format!("the customer's address {to}: {e}"))?;
    let mut mail = Mail::builder()
        .from(from.clone())
        .reply_to(from)
        .to(to)
        .subject(subject(thread))
        .message_id(Some(message_id(message, mailbox)));
    if let Some(last) = thread.ids.last() {
        mail = mail
            .in_reply_to(last.clone())
            .references(thread.ids.join(" "));
    }
    mail.singlepart(SinglePart::plain(text.to_owned()))
        .map_err(|e| e.to_string())
}

/// Sends reply `message` (its text `text`) to `to`.
pub async fn send(
    mailbox: &Mailbox,
    to: &str,
    message: &Message,
    text: &str,
    thread: &MailThread,
) -> Outcome {
    let mail = match build(mailbox, to, message, text, thread) {
        Ok(mail) => mail,
        Err(why) => return Outcome::Refused(FailureCode::Rejected, why),
    };
    let host = mailbox.smtp_host.as_str();
    let builder = match mailbox.smtp_security {
        MailSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host),
        MailSecurity::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host),
        MailSecurity::Plain => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(
            host,
        )),
    };
    let transport = match builder {
        Ok(b) => b
            .port(mailbox.smtp_port)
            .timeout(Some(Duration::from_secs(30)))
            .credentials(Credentials::new(
                mailbox.login().to_owned(),
                mailbox.password.clone(),
            ))
            .build(),
        Err(e) => return Outcome::Refused(FailureCode::Rejected, format!("SMTP: {e}")),
    };
    match transport.send(mail).await {
        Ok(_) => Outcome::Sent,
        // 5xx: the server will not take it as it is.
        Err(e) if e.is_permanent() => Outcome::Refused(FailureCode::Rejected, format!("SMTP: {e}")),
        Err(e) => Outcome::Passing(format!("SMTP: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mailbox() -> Mailbox {
        serde_json::from_str(r#"{"address": "support@lianjie.test", "imap_host": "localhost", "smtp_host": "localhost", "password": "x"}"#).unwrap()
    }

    #[test]
    fn our_message_ids_name_their_conversation_and_others_do_not() {
        let m = mailbox();
        let reply: Message = serde_json::from_value(serde_json::json!({
            "id": "a1b2c3d4e5f60718", "conversation_id": "v-0011223344556677",
            "direction": "outbound", "author_id": "u-1", "body": "好的",
            "attachments": [], "created_at": "2026-12-01T00:00:00Z", "idempotency_key": "k"
        }))
        .unwrap();
        let id = message_id(&reply, &m);
        assert_eq!(id, "<a1b2c3d4e5f60718.v-0011223344556677@lianjie.test>");
        assert_eq!(
            conversation_of(&id, &m).as_deref(),
            Some("v-0011223344556677")
        );
        assert_eq!(conversation_of("<a1.v-1@elsewhere.example>", &m), None);
        assert_eq!(conversation_of("<CAF=x@mail.gmail.com>", &m), None);
        assert_eq!(conversation_of("<x.../etc@lianjie.test>", &m), None);
    }

    #[test]
    fn replies_answer_the_thread_under_its_subject() {
        let thread = |s: &str| MailThread {
            subject: s.into(),
            ids: vec![],
        };
        assert_eq!(subject(&thread("报价咨询")), "Re: 报价咨询");
        assert_eq!(subject(&thread("RE: 报价咨询")), "RE: 报价咨询");
        assert!(subject(&thread("")).starts_with("Re: "));
    }
}
