//! "Save contact" from a card: a vCard 3.0 file, the version iOS, Android and
//! Outlook all import. Text is UTF-8 with the format's escapes (backslash, comma,
//! semicolon, newline), lines end in CRLF and are folded at 75 bytes without splitting
//! a character.

use crate::public::PublicCard;

/// An embedded photo: its type (`JPEG`, `PNG`) and base64 data.
pub struct Photo<'a> {
    pub kind: &'a str,
    pub base64: &'a str,
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds one content line: continuation lines start with a space.
fn fold(line: &str, out: &mut String) {
    const MAX: usize = 75;
    let mut used = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if used + len > MAX {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += len;
    }
    out.push_str("\r\n");
}

/// Family and given name: for a Chinese name the first character is the family name;
/// otherwise the last word is.
fn split_name(name: &str) -> (String, String) {
    let name = name.trim();
    let cjk = name.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    if cjk && name.chars().count() >= 2 {
        let mut chars = name.chars();
        let family = chars.next().map(String::from).unwrap_or_default();
        (family, chars.collect())
    } else {
        match name.rsplit_once(' ') {
            Some((given, family)) => (family.to_owned(), given.to_owned()),
            None => (name.to_owned(), String::new()),
        }
    }
}

/// The file a card saves as: its name (characters a file system or a header would
/// trip on replaced) with `.vcf`; "contact.vcf" for a card without a name.
pub fn file_name(card: &PublicCard) -> String {
    let name: String = card
        .name
        .trim()
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | '"' | ':' | '*' | '?' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    if name.is_empty() {
        "contact.vcf".to_owned()
    } else {
        format!("{name}.vcf")
    }
}

pub fn vcard(card: &PublicCard, photo: Option<Photo<'_>>) -> String {
    let (family, given) = split_name(&card.name);
    let mut lines = vec![
        "BEGIN:VCARD".to_owned(),
        "VERSION:3.0".to_owned(),
        format!("N;CHARSET=UTF-8:{};{};;;", escape(&family), escape(&given)),
        format!("FN;CHARSET=UTF-8:{}", escape(&card.name)),
    ];
    let mut field = |name: &str, value: &str| {
        if !value.trim().is_empty() {
            lines.push(format!("{name}:{}", escape(value)));
        }
    };
    field("ORG;CHARSET=UTF-8", &card.company);
    field("TITLE;CHARSET=UTF-8", &card.title);
    // A phone shown only on request is not in the public card at all.
    field("TEL;TYPE=CELL,VOICE", &card.phone);
    field("EMAIL;TYPE=INTERNET", &card.email);
    field("URL", &card.website);
    if !card.address.trim().is_empty() {
        lines.push(format!(
            "ADR;CHARSET=UTF-8;TYPE=WORK:;;{};;;;",
            escape(&card.address)
        ));
    }
    let mut note = card.intro.trim().to_owned();
    if !card.wechat_id.trim().is_empty() {
        if !note.is_empty() {
            note.push('\n');
        }
        note.push_str(&format!("WeChat/微信: {}", card.wechat_id.trim()));
    }
    if !note.is_empty() {
        lines.push(format!("NOTE;CHARSET=UTF-8:{}", escape(&note)));
    }
    if let Some(p) = photo {
        lines.push(format!("PHOTO;ENCODING=b;TYPE={}:{}", p.kind, p.base64));
    }
    lines.push("END:VCARD".to_owned());
    let mut out = String::new();
    for line in &lines {
        fold(line, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo;
    use crate::people::{Card, PhoneVisibility};

    fn card() -> Card {
        let db = demo::seed(chrono::Utc::now());
        Card {
            intro: "方案, 报价; 售后\\支持\n欢迎咨询".into(),
            ..db.cards["wang-lei"].clone()
        }
    }

    #[test]
    fn names_fields_and_escapes() {
        let v = vcard(&(&card()).into(), None);
        assert!(v.starts_with("BEGIN:VCARD\r\nVERSION:3.0\r\n"));
        assert!(v.ends_with("END:VCARD\r\n"));
        assert!(v.contains("N;CHARSET=UTF-8:王;磊;;;\r\n"), "{v}");
        assert!(v.contains("FN;CHARSET=UTF-8:王磊\r\n"));
        // Unfolded, the note carries every escape.
        let unfolded = v.replace("\r\n ", "");
        assert!(
            unfolded.contains(
                "NOTE;CHARSET=UTF-8:方案\\, 报价\\; 售后\\\\支持\\n欢迎咨询\\nWeChat/微信: "
            ),
            "{unfolded}"
        );
        assert!(!unfolded.contains('\u{0}'));
    }

    #[test]
    fn long_lines_fold_at_75_bytes_on_character_boundaries() {
        let mut c = card();
        c.intro = "连接".repeat(60);
        let v = vcard(
            &(&c).into(),
            Some(Photo {
                kind: "JPEG",
                base64: &"QUJD".repeat(100),
            }),
        );
        for line in v.split("\r\n") {
            assert!(line.len() <= 75, "{} bytes: {line}", line.len());
        }
        assert!(v.replace("\r\n ", "").contains(&format!(
            "PHOTO;ENCODING=b;TYPE=JPEG:{}",
            "QUJD".repeat(100)
        )));
    }

    #[test]
    fn phone_on_request_is_left_out_and_latin_names_split_on_the_last_word() {
        let mut c = card();
        c.phone_visibility = PhoneVisibility::OnRequest;
        assert!(!vcard(&(&c).into(), None).contains("TEL"));
        c.phone_visibility = PhoneVisibility::Public;
        assert!(vcard(&(&c).into(), None).contains("TEL;TYPE=CELL,VOICE:"));
        assert_eq!(split_name("Emily Chen"), ("Chen".into(), "Emily".into()));
        assert_eq!(split_name("Madonna"), ("Madonna".into(), String::new()));
    }

    #[test]
    fn the_file_is_named_after_the_card_safely() {
        let mut c: PublicCard = (&card()).into();
        c.name = " 王磊 ".into();
        assert_eq!(file_name(&c), "王磊.vcf");
        c.name = "a/b\\\"c\td".into();
        assert_eq!(file_name(&c), "a_b__c_d.vcf");
        c.name = "  ".into();
        assert_eq!(file_name(&c), "contact.vcf");
    }
}
