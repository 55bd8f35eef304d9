//! A support mailbox: the address customers write to, read by IMAP, and the SMTP
//! server replies leave through, with one login for both (as most providers
//! give). Plain connections, without TLS, are for a server on this machine only:
//! elsewhere they would carry the password in the clear.

use crate::validate::{self, FieldProblem};
use serde::{Deserialize, Serialize};

/// How a connection to a mail server is made.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailSecurity {
    /// TLS from the first byte (IMAP 993, SMTP 465).
    #[default]
    Tls,
    /// Plain, then upgraded by STARTTLS (SMTP 587); SMTP only.
    Starttls,
    /// No encryption: a server on this machine only.
    Plain,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mailbox {
    /// The support address: what customers write to, and what replies come from.
    pub address: String,
    /// The name replies are signed with (`"Name" <address>`); empty: the address.
    #[serde(default)]
    pub display_name: String,
    pub imap_host: String,
    #[serde(default = "imap_port")]
    pub imap_port: u16,
    #[serde(default)]
    pub imap_security: MailSecurity,
    pub smtp_host: String,
    #[serde(default = "smtp_port")]
    pub smtp_port: u16,
    #[serde(default)]
    pub smtp_security: MailSecurity,
    /// The login for both servers; empty: the address.
    #[serde(default)]
    pub username: String,
    /// Never listed once kept.
    pub password: String,
}

fn imap_port() -> u16 {
    993
}
fn smtp_port() -> u16 {
    465
}

/// Whether `host` names this machine.
pub fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A host name or address: letters, digits, `.`, `-`, `:` (IPv6) and brackets.
fn host_ok(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 253
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}

impl Mailbox {
    pub fn login(&self) -> &str {
        if self.username.is_empty() {
            &self.address
        } else {
            &self.username
        }
    }

    /// The domain of the support address: what this mailbox's Message-IDs end in.
    pub fn domain(&self) -> &str {
        self.address.rsplit_once('@').map_or("", |(_, d)| d)
    }

    /// Field problems, named as in a new credential's `email` object.
    pub fn problems(&self) -> Vec<(&'static str, FieldProblem)> {
        let mut out = Vec::new();
        if let Err(p) = validate::email(&self.address) {
            out.push(("email.address", p));
        }
        if let Err(p) = validate::max_len(&self.display_name, 80) {
            out.push(("email.display_name", p));
        }
        let servers = [
            (
                "email.imap_host",
                "email.imap_security",
                &self.imap_host,
                self.imap_security,
            ),
            (
                "email.smtp_host",
                "email.smtp_security",
                &self.smtp_host,
                self.smtp_security,
            ),
        ];
        for (host_field, security_field, host, security) in servers {
            if !host_ok(host) {
                out.push((host_field, FieldProblem::Range));
            } else if security == MailSecurity::Plain && !is_loopback(host) {
                out.push((security_field, FieldProblem::Range));
            }
        }
        if self.imap_security == MailSecurity::Starttls {
            out.push(("email.imap_security", FieldProblem::Range));
        }
        for (field, port) in [
            ("email.imap_port", self.imap_port),
            ("email.smtp_port", self.smtp_port),
        ] {
            if port == 0 {
                out.push((field, FieldProblem::Range));
            }
        }
        if let Err(p) = validate::max_len(&self.username, 200) {
            out.push(("email.username", p));
        }
        if let Err(p) = validate::required(&self.password, 500) {
            out.push(("email.password", p));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mailbox() -> Mailbox {
        serde_json::from_str(
            r#"{"address": "support@lianjie.test", "imap_host": "imap.example.com",
                "smtp_host": "smtp.example.com", "password": "pw"}"#,
        )
        .unwrap()
    }

    #[test]
    fn a_mailbox_defaults_to_tls_on_the_usual_ports_and_logs_in_as_its_address() {
        let m = mailbox();
        assert!(m.problems().is_empty(), "{:?}", m.problems());
        assert_eq!((m.imap_port, m.smtp_port), (993, 465));
        assert_eq!(
            (m.imap_security, m.smtp_security),
            (MailSecurity::Tls, MailSecurity::Tls)
        );
        assert_eq!(
            (m.login(), m.domain()),
            ("support@lianjie.test", "lianjie.test")
        );
    }

    #[test]
    fn plain_connections_are_for_this_machine_only() {
        let mut m = mailbox();
        m.imap_security = MailSecurity::Plain;
        m.smtp_security = MailSecurity::Plain;
        let fields: Vec<&str> = m.problems().into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["email.imap_security", "email.smtp_security"]);
        m.imap_host = "127.0.0.1".into();
        m.smtp_host = "localhost".into();
        assert!(m.problems().is_empty());
        assert!(is_loopback("[::1]") && !is_loopback("10.0.0.1"));
        // IMAP has no STARTTLS here; a missing password and a bad host are said.
        m.imap_security = MailSecurity::Starttls;
        m.password.clear();
        m.smtp_host = "smtp example".into();
        let fields: Vec<&str> = m.problems().into_iter().map(|(f, _)| f).collect();
        assert_eq!(
            fields,
            ["email.smtp_host", "email.imap_security", "email.password"]
        );
    }
}
