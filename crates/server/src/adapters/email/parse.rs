//! A customer's email, as the inbox keeps it: plain text preferred, HTML reduced
//! to text (never shown as HTML), attachments named in the text, and the headers
//! that thread it (`Message-ID`, `In-Reply-To`, `References`).

use lianjie_core::inbox::MAX_MESSAGE;
use mail_parser::{HeaderValue, MessageParser, MimeHeaders as _};

/// An attachment (or inline part) of a mail, decoded.
#[derive(Debug, PartialEq, Eq)]
pub struct MailFile {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// One email read off the mailbox.
#[derive(Debug, PartialEq, Eq)]
pub struct Mail {
    /// The sender's address, lowercased: their handle on the email channel.
    pub from: String,
    pub name: String,
    pub subject: String,
    /// Bracketed, as it is written in headers; made up from the mail's own bytes
    /// when it has none, so the same mail is still the same.
    pub message_id: String,
    /// `In-Reply-To` then `References`, newest first, bracketed.
    pub answers: Vec<String>,
    pub text: String,
    pub attachments: Vec<MailFile>,
    /// An automatic answer (`Auto-Submitted`, a delivery report): kept in the
    /// thread it answers, never the start of one.
    pub automatic: bool,
}

fn bracketed(id: &str) -> String {
    format!(
        "<{}>",
        id.trim().trim_start_matches('<').trim_end_matches('>')
    )
}

fn ids(v: &HeaderValue<'_>) -> Vec<String> {
    v.as_text_list()
        .map(|l| l.iter().map(|s| bracketed(s)).collect())
        .unwrap_or_default()
}

/// Reads `raw` (RFC 5322 bytes); `None` when it names no sender.
pub fn read(raw: &[u8]) -> Option<Mail> {
    let msg = MessageParser::default().parse(raw)?;
    let from = msg.from().and_then(|a| a.first())?;
    let address = from.address()?.trim().to_lowercase();
    if !address.contains('@') {
        return None;
    }
    let message_id = match msg.message_id() {
        Some(id) if !id.trim().is_empty() => bracketed(id),
        _ => format!(
            "<{}@no-message-id>",
            crate::channel_auth::wechat_signature(&[raw])
        ),
    };
    let mut answers = ids(msg.in_reply_to());
    let mut references = ids(msg.references());
    references.reverse();
    for id in references {
        if !answers.contains(&id) {
            answers.push(id);
        }
    }
    let text = msg
        .body_text(0)
        .map(|t| t.replace("\r\n", "\n"))
        .unwrap_or_default();
    let attachments = msg
        .attachments()
        .map(|p| {
            let content_type = p.content_type().map_or_else(
                || "application/octet-stream".to_owned(),
                |c| match c.subtype() {
                    Some(sub) => format!("{}/{sub}", c.ctype()),
                    None => c.ctype().to_owned(),
                },
            );
            MailFile {
                name: p
                    .attachment_name()
                    .unwrap_or("attachment")
                    .trim()
                    .to_owned(),
                content_type: content_type.to_ascii_lowercase(),
                bytes: p.contents().to_vec(),
            }
        })
        .collect();
    let automatic = msg
        .header_raw("Auto-Submitted")
        .is_some_and(|v| !v.trim().eq_ignore_ascii_case("no"))
        || msg.content_type().is_some_and(|c| {
            c.subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"))
        });
    Some(Mail {
        from: address,
        name: from.name().unwrap_or_default().trim().to_owned(),
        subject: msg.subject().unwrap_or_default().trim().to_owned(),
        message_id,
        answers,
        text: text.trim().to_owned(),
        attachments,
        automatic,
    })
}

/// A subject without its `Re:`/`Fwd:`/`回复：` prefixes: what tells two threads apart.
pub fn topic(subject: &str) -> &str {
    let mut s = subject.trim();
    loop {
        let lower = s.to_lowercase();
        let cut = [
            "re:",
            "fwd:",
            "fw:",
            "回复：",
            "回复:",
            "转发：",
            "转发:",
            "答复：",
        ]
        .iter()
        .find(|p| lower.starts_with(*p))
        .map(|p| p.len());
        match cut {
            Some(n) => s = s[n..].trim_start(),
            None => return s,
        }
    }
}

/// What the inbox shows of `mail`: its subject first when it starts a topic the
/// thread (subject `thread`) is not already about, then its text, then the
/// attachments not kept as files (`named`), by name and size; cut to fit one
/// message.
pub fn body<'a>(
    mail: &Mail,
    thread: &str,
    named: impl IntoIterator<Item = &'a MailFile>,
) -> String {
    let mut out = String::new();
    if !mail.subject.is_empty() && topic(&mail.subject) != topic(thread) {
        out.push_str(&format!("【{}】\n", mail.subject));
    }
    out.push_str(&mail.text);
    for file in named {
        let kb = file.bytes.len().div_ceil(1024);
        out.push_str(&format!("\n[附件 Attachment] {} ({kb} KB)", file.name));
    }
    let out = out.trim().to_owned();
    if out.chars().count() <= MAX_MESSAGE {
        return if out.is_empty() {
            "[空邮件 Empty email]".into()
        } else {
            out
        };
    }
    let mut cut: String = out.chars().take(MAX_MESSAGE - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    const HTML_WITH_PDF: &str = "From: =?utf-8?b?5p2O5YWI55Sf?= <Li@Example.com>\r\nTo: support@lianjie.test\r\nSubject: =?utf-8?b?5oql5Lu35ZKo6K+i?=\r\nMessage-ID: <c1@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>想了解<b>企业版</b> &amp; 价格</p><script>alert(1)</script>\r\n--b\r\nContent-Type: application/pdf; name=\"quote.pdf\"\r\nContent-Disposition: attachment; filename=\"quote.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n";

    #[test]
    fn html_is_reduced_to_text_and_attachments_are_named() {
        let m = read(HTML_WITH_PDF.as_bytes()).unwrap();
        assert_eq!(
            (m.from.as_str(), m.name.as_str()),
            ("li@example.com", "李先生")
        );
        assert_eq!(
            (m.subject.as_str(), m.message_id.as_str()),
            ("报价咨询", "<c1@example.com>")
        );
        // Entities decoded, markup gone (the reducer's spacing around them is its own).
        assert!(
            m.text.starts_with("想了解企业版") && m.text.ends_with("& 价格"),
            "{}",
            m.text
        );
        assert!(
            !m.text.contains("alert") && !m.text.contains('<'),
            "{}",
            m.text
        );
        assert_eq!(
            m.attachments,
            [MailFile {
                name: "quote.pdf".into(),
                content_type: "application/pdf".into(),
                bytes: b"%PDF-1.4\n".to_vec()
            }]
        );
        assert!(!m.automatic);
        let shown = body(&m, "", &m.attachments);
        assert!(shown.starts_with("【报价咨询】\n"), "{shown}");
        assert!(
            shown.ends_with("[附件 Attachment] quote.pdf (1 KB)"),
            "{shown}"
        );
        // Within its thread the subject is not said again; kept files are not named.
        assert_eq!(body(&m, "Re: 报价咨询", []), m.text);
    }

    #[test]
    fn answers_are_read_newest_first_and_a_mail_without_an_id_gets_a_stable_one() {
        let raw = "From: a@example.com\r\nIn-Reply-To: <r2@x>\r\nReferences: <r0@x> <r1@x>\r\n <r2@x>\r\nSubject: Re: Re: 回复：报价\r\n\r\nok\r\n";
        let m = read(raw.as_bytes()).unwrap();
        assert_eq!(m.answers, ["<r2@x>", "<r1@x>", "<r0@x>"]);
        assert_eq!(topic(&m.subject), "报价");
        assert!(m.message_id.ends_with("@no-message-id>"));
        assert_eq!(read(raw.as_bytes()).unwrap().message_id, m.message_id);
        assert_eq!(read(b"Subject: nobody\r\n\r\nx"), None);
        let auto =
            "From: mailer-daemon@example.com\r\nAuto-Submitted: auto-replied\r\n\r\naway\r\n";
        assert!(read(auto.as_bytes()).unwrap().automatic);
    }

    #[test]
    fn a_long_mail_is_cut_to_one_message() {
        let raw = format!("From: a@example.com\r\n\r\n{}\r\n", "长".repeat(5000));
        let shown = body(&read(raw.as_bytes()).unwrap(), "", []);
        assert_eq!(shown.chars().count(), MAX_MESSAGE);
        assert!(shown.ends_with('…'));
    }
}
