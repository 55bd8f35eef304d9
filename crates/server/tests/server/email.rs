//! Email end to end against a real IMAP server on loopback (Dovecot, started by
//! `scripts/with-mail.sh`) and an SMTP receiver in this test that delivers into
//! its maildirs: a customer's mail to the support address appears in the inbox
//! (HTML reduced to text, its PDF an attachment), the agent's reply lands in the
//! customer's mailbox threaded under the same subject, the customer's answer to
//! it, from another address, comes back into the same conversation, and an
//! absence notice answering nothing of ours starts no customer.
//!
//! Without `LIANJIE_TEST_IMAP` the test says so and stops, unless the test command
//! requires the mail server (`LIANJIE_TEST_MAIL_REQUIRED`), as `scripts/test.sh` does.

use crate::common::{Server, start};
use lettre::message::{Attachment, MultiPart, SinglePart, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Message as Mail, Tokio1Executor};
use lianjie_core::mailbox::MailSecurity;
use lianjie_server::adapters::email::{imap, parse};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};

const SUPPORT: &str = "support@lianjie.test";
const CUSTOMER: &str = "customer@example.test";
/// A PDF's first bytes: binary, so it travels base64-encoded, byte for byte.
const PDF: &[u8] = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";

struct MailServer {
    imap: (String, u16),
    maildir: PathBuf,
    password: String,
}

fn mail_server() -> Option<MailServer> {
    let Ok(at) = std::env::var("LIANJIE_TEST_IMAP") else {
        assert!(
            std::env::var_os("LIANJIE_TEST_MAIL_REQUIRED").is_none(),
            "LIANJIE_TEST_MAIL_REQUIRED is set but no mail server is: run under scripts/with-mail.sh"
        );
        eprintln!("no LIANJIE_TEST_IMAP: the email test needs scripts/with-mail.sh");
        return None;
    };
    let (host, port) = at.rsplit_once(':')?;
    Some(MailServer {
        imap: (host.to_owned(), port.parse().ok()?),
        maildir: std::env::var("LIANJIE_TEST_MAILDIR").ok()?.into(),
        password: std::env::var("LIANJIE_TEST_MAIL_PASSWORD").ok()?,
    })
}

/// Puts `data` in `login`'s INBOX as a maildir delivery does: written in tmp/,
/// then moved into new/.
fn deliver(maildir: &Path, login: &str, data: &[u8]) {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "{}.{}_{}.lianjie",
        chrono::Utc::now().timestamp(),
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    let tmp = maildir.join(login).join("tmp").join(&name);
    std::fs::write(&tmp, data).unwrap();
    std::fs::rename(&tmp, maildir.join(login).join("new").join(&name)).unwrap();
}

/// What the receiver was told: (AUTH PLAIN's decoded login, recipients, data).
type Received = Arc<Mutex<Vec<(String, Vec<String>, String)>>>;

/// A minimal SMTP receiver delivering into the maildirs: EHLO, AUTH PLAIN, MAIL,
/// RCPT, DATA (dot-unstuffed), QUIT.
async fn smtp_receiver(maildir: PathBuf) -> (u16, Received) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = Received::default();
    let seen = received.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let (maildir, seen) = (maildir.clone(), seen.clone());
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                let (mut login, mut rcpt, mut data) =
                    (String::new(), Vec::<String>::new(), None::<String>);
                write.write_all(b"220 receiver ESMTP\r\n").await.unwrap();
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(body) = data.as_mut() {
                        if line == "." {
                            let body = data.take().unwrap();
                            for to in &rcpt {
                                deliver(&maildir, to, body.as_bytes());
                            }
                            seen.lock()
                                .unwrap()
                                .push((login.clone(), rcpt.clone(), body));
                            rcpt.clear();
                            write.write_all(b"250 2.0.0 delivered\r\n").await.unwrap();
                        } else {
                            body.push_str(line.strip_prefix('.').unwrap_or(&line));
                            body.push_str("\r\n");
                        }
                        continue;
                    }
                    let upper = line.to_ascii_uppercase();
                    let answer: &[u8] = if upper.starts_with("EHLO") {
                        b"250-receiver\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n"
                    } else if upper.starts_with("AUTH PLAIN ") {
                        use base64::Engine as _;
                        let raw = base64::engine::general_purpose::STANDARD
                            .decode(line[11..].trim())
                            .unwrap_or_default();
                        login = String::from_utf8_lossy(&raw)
                            .replace('\0', " ")
                            .trim()
                            .to_owned();
                        b"235 2.7.0 ok\r\n"
                    } else if upper.starts_with("RCPT TO:") {
                        let to = line[8..]
                            .trim()
                            .trim_start_matches('<')
                            .trim_end_matches('>');
                        rcpt.push(to.to_owned());
                        b"250 ok\r\n"
                    } else if upper == "DATA" {
                        data = Some(String::new());
                        b"354 go on\r\n"
                    } else if upper == "QUIT" {
                        write.write_all(b"221 bye\r\n").await.unwrap();
                        return;
                    } else {
                        b"250 ok\r\n"
                    };
                    write.write_all(answer).await.unwrap();
                }
            });
        }
    });
    (port, received)
}

/// The customer's mail program: sends through the receiver as `from`.
async fn customer_sends(port: u16, mail: Mail) {
    AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
        .port(port)
        .build()
        .send(mail)
        .await
        .unwrap();
}

/// The email conversation whose messages include `text`, once it is there.
async fn conversation_with(s: &Server, staff: &str, text: &str) -> (String, Vec<Value>) {
    for _ in 0..150 {
        let (_, page) = s
            .call(
                Method::GET,
                "/conversations?channel=email",
                Some(staff),
                None,
            )
            .await;
        for v in page["items"].as_array().cloned().unwrap_or_default() {
            let id = v["id"].as_str().unwrap_or_default().to_owned();
            let list = s.messages(staff, &id).await;
            if list
                .iter()
                .any(|m| m["body"].as_str().unwrap_or_default().contains(text))
            {
                return (id, list);
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no email conversation ever held {text:?}");
}

/// The customer's INBOX over IMAP, read afresh until it holds `n` mails.
async fn customer_inbox(m: &MailServer, n: usize) -> Vec<parse::Mail> {
    for _ in 0..100 {
        let (host, port) = &m.imap;
        let mut session = imap::sign_in(host, *port, MailSecurity::Plain, CUSTOMER, &m.password)
            .await
            .unwrap();
        let (at, _) = imap::select(&mut session, None).await.unwrap();
        let mails = imap::fetch_after(&mut session, at.last_uid).await.unwrap();
        if mails.len() >= n {
            return mails
                .iter()
                .filter_map(|(_, raw)| parse::read(raw))
                .collect();
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the customer's mailbox never held {n} mails");
}

#[tokio::test]
async fn a_customer_emails_support_and_the_threaded_reply_reaches_their_mailbox() {
    let Some(m) = mail_server() else { return };
    let (smtp_port, received) = smtp_receiver(m.maildir.clone()).await;
    let s = start().await;
    let admin = s.login_as("admin@lianjie.example").await;
    let key = s
        .create_key(
            &admin,
            json!({"channel": "email", "label": "客服邮箱", "email": {
                "address": SUPPORT, "display_name": "连接客服",
                "imap_host": m.imap.0, "imap_port": m.imap.1, "imap_security": "plain",
                "smtp_host": "127.0.0.1", "smtp_port": smtp_port, "smtp_security": "plain",
                "password": m.password,
            }}),
        )
        .await;
    assert_eq!(key["key"]["email_address"], SUPPORT);
    let (_, listed) = s
        .call(Method::GET, "/channel-keys", Some(&admin), None)
        .await;
    assert!(!listed.to_string().contains(&m.password));

    // The customer writes in HTML, with a PDF attached.
    let first = Mail::builder()
        .from(format!("李先生 <{CUSTOMER}>").parse().unwrap())
        .to(SUPPORT.parse().unwrap())
        .subject("报价咨询")
        .message_id(Some("<first.1@example.test>".into()))
        .multipart(
            MultiPart::mixed()
                .singlepart(SinglePart::html(
                    "<p>想了解<b>企业版</b>的价格</p><script>alert(1)</script>".to_owned(),
                ))
                .singlepart(
                    Attachment::new("quote.pdf".into())
                        .body(PDF.to_vec(), ContentType::parse("application/pdf").unwrap()),
                ),
        )
        .unwrap();
    customer_sends(smtp_port, first).await;
    let (v, list) = conversation_with(&s, &admin, "想了解企业版的价格").await;
    assert_eq!(list.len(), 1);
    let body = list[0]["body"].as_str().unwrap();
    assert!(body.starts_with("【报价咨询】"), "{body}");
    assert!(!body.contains("alert") && !body.contains('<'), "{body}");
    // The PDF is an attachment, served by its unguessable address as a download.
    let file = &list[0]["attachments"][0];
    let res = s.attachment(file, "quote.pdf", false).await;
    assert_eq!(
        res.headers()["content-disposition"],
        "attachment; filename*=UTF-8''quote%2Epdf"
    );
    assert_eq!(res.headers()["content-type"], "application/octet-stream");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.bytes().await.unwrap().as_ref(), PDF);
    let missing = file["url"].as_str().unwrap().replace("/files/", "/files/0");
    assert_eq!(
        s.http.get(&missing).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );

    // The reply leaves by SMTP, signed in as the support address, threaded.
    let reply = s
        .reply(&admin, &v, "您好，企业版报价见附件说明。", "mail-reply-1")
        .await;
    let id = reply["id"].as_str().unwrap().to_owned();
    s.delivery_reaches(&admin, &v, &id, "sent").await;
    let inbox = customer_inbox(&m, 1).await;
    let answer = inbox
        .iter()
        .find(|mail| mail.from == SUPPORT)
        .expect("the reply is in the customer's mailbox");
    assert_eq!(answer.subject, "Re: 报价咨询");
    assert_eq!(answer.name, "连接客服");
    assert_eq!(answer.text, "您好，企业版报价见附件说明。");
    assert_eq!(answer.answers, ["<first.1@example.test>"]);
    let our_id = format!("<{id}.{v}@lianjie.test>");
    assert_eq!(answer.message_id, our_id);
    {
        let got = received.lock().unwrap();
        let (login, to, _) = got.iter().find(|(_, to, _)| to == &[CUSTOMER]).unwrap();
        assert_eq!(to, &[CUSTOMER]);
        assert_eq!(login, &format!("{SUPPORT} {}", m.password));
    }

    // The customer answers from another address: it threads back by Message-ID.
    let again = Mail::builder()
        .from("li.home@example.test".parse().unwrap())
        .to(SUPPORT.parse().unwrap())
        .subject("Re: 报价咨询")
        .message_id(Some("<second.2@example.test>".into()))
        .in_reply_to(our_id.clone())
        .references(format!("<first.1@example.test> {our_id}"))
        .body("好的，请再发一份合同模板。".to_owned())
        .unwrap();
    // An absence notice answering nothing of ours starts no customer.
    deliver(
        &m.maildir,
        SUPPORT,
        b"From: away@example.test\r\nTo: support@lianjie.test\r\nSubject: Out of office\r\nAuto-Submitted: auto-replied\r\nMessage-ID: <away.1@example.test>\r\n\r\nI am away until Monday.\r\n",
    );
    customer_sends(smtp_port, again).await;
    let (same, list) = conversation_with(&s, &admin, "请再发一份合同模板").await;
    assert_eq!(same, v);
    assert_eq!(list.len(), 3);
    assert!(
        !list[0]["body"].as_str().unwrap().contains('【'),
        "the thread's subject is not said again"
    );

    // The next reply answers the whole thread.
    let reply = s
        .reply(&admin, &v, "合同模板已附上。", "mail-reply-2")
        .await;
    s.delivery_reaches(&admin, &v, reply["id"].as_str().unwrap(), "sent")
        .await;
    let inbox = customer_inbox(&m, 2).await;
    let last = inbox
        .iter()
        .find(|mail| mail.text == "合同模板已附上。")
        .unwrap();
    assert_eq!(last.answers[0], "<second.2@example.test>");
    assert!(
        last.answers.contains(&our_id)
            && last.answers.contains(&"<first.1@example.test>".to_owned())
    );

    // A second server on the same database reads the same mailbox from the kept
    // position, beside the first: nothing is kept twice.
    let s = s.restarted().await;
    let admin = s.login_as("admin@lianjie.example").await;
    tokio::time::sleep(std::time::Duration::from_secs(4)).await;
    assert_eq!(s.messages(&admin, &v).await.len(), 4);
    let (_, page) = s
        .call(
            Method::GET,
            "/conversations?channel=email&text=away",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(page["items"].as_array().map(Vec::len), Some(0), "{page}");
}
