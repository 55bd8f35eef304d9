//! WeChat's callback XML: read into its fields, and turned into the normalized
//! inbound message every channel delivers (text as text, pictures as attachments,
//! events said in words).

use lianjie_core::api::InboundMessage;
use lianjie_core::inbox::Attachment;
use lianjie_core::validate;
use quick_xml::Reader;
use quick_xml::events::Event;
use std::collections::BTreeMap;

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum XmlError {
    #[error("the body is not WeChat's XML: {0}")]
    Malformed(String),
    #[error("the message has no {0}")]
    Missing(&'static str),
}

/// The text of every element that holds text, by the element's name. WeChat's
/// messages are one level deep but for a few events' details, whose leaves are
/// named uniquely; no entity is expanded beyond XML's own five.
pub fn fields(xml: &str) -> Result<BTreeMap<String, String>, XmlError> {
    let mut reader = Reader::from_str(xml);
    let mut out = BTreeMap::new();
    let mut open: Vec<String> = Vec::new();
    let bad = |e: &dyn std::fmt::Display| XmlError::Malformed(e.to_string());
    loop {
        match reader.read_event().map_err(|e| bad(&e))? {
            Event::Start(e) => open.push(String::from_utf8_lossy(e.name().as_ref()).into_owned()),
            Event::End(_) => {
                open.pop();
            }
            Event::Text(t) => {
                let text = t.decode().map_err(|e| bad(&e))?;
                append(&mut out, open.last(), &text);
            }
            // `&amp;` and the like come apart from the text around them.
            Event::GeneralRef(r) => {
                let text = match r.resolve_char_ref().map_err(|e| bad(&e))? {
                    Some(c) => c.to_string(),
                    None => {
                        let name = r.decode().map_err(|e| bad(&e))?;
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .ok_or_else(|| XmlError::Malformed(format!("unknown entity &{name};")))?
                            .to_owned()
                    }
                };
                append(&mut out, open.last(), &text);
            }
            Event::CData(t) => append(&mut out, open.last(), &String::from_utf8_lossy(&t)),
            Event::Eof => break,
            _ => {}
        }
    }
    if out.is_empty() {
        return Err(XmlError::Malformed("no elements".into()));
    }
    Ok(out)
}

fn append(out: &mut BTreeMap<String, String>, element: Option<&String>, text: &str) {
    if let Some(name) = element {
        out.entry(name.clone()).or_default().push_str(text);
    }
}

/// A field's text, or the error naming it.
fn field<'a>(f: &'a BTreeMap<String, String>, name: &'static str) -> Result<&'a str, XmlError> {
    f.get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .ok_or(XmlError::Missing(name))
}

fn opt<'a>(f: &'a BTreeMap<String, String>, name: &str) -> &'a str {
    f.get(name).map_or("", String::as_str)
}

/// The media a voice or video message carries, fetched by its id.
pub fn media_id(f: &BTreeMap<String, String>) -> Option<&str> {
    match opt(f, "MsgType") {
        "voice" | "video" | "shortvideo" => f.get("MediaId").map(String::as_str),
        _ => None,
    }
    .filter(|id| !id.is_empty())
}

/// What a follower sent, as the inbox keeps it: `None` for what is not a message
/// to anyone (a template's delivery report, a menu view the server need not keep).
pub fn normalize(f: &BTreeMap<String, String>) -> Result<Option<InboundMessage>, XmlError> {
    let from = field(f, "FromUserName")?;
    let kind = field(f, "MsgType")?;
    let created = opt(f, "CreateTime");
    // WeChat sends a message again when it had no answer in 5 s: its MsgId (or,
    // for events, who, when and what) makes the retry the same message. Hashed,
    // so the key fits an idempotency key's 64 letters, digits, - and _.
    let what = match f.get("MsgId") {
        Some(id) => format!("msg\n{id}"),
        None => format!("event\n{from}\n{created}\n{}", opt(f, "Event")),
    };
    let key = format!(
        "wechat-{}",
        &crate::channel_auth::wechat_signature(&[what.as_bytes()])
    );
    let mut attachments = Vec::new();
    let body = match kind {
        "text" => field(f, "Content")?.to_owned(),
        // A link the inbox would refuse stays in the text: WeChat would otherwise
        // retry a message that can never be kept, and lose it.
        "image" => match field(f, "PicUrl")? {
            url if validate::url(url).is_ok() => {
                attachments.push(Attachment {
                    url: url.to_owned(),
                    name: "image.jpg".into(),
                    is_image: true,
                });
                String::new()
            }
            url => format!("[图片 Image] {url}"),
        },
        "voice" => match opt(f, "Recognition") {
            "" => format!("[语音 Voice] {}", field(f, "MediaId")?),
            said => format!("[语音 Voice] {said}"),
        },
        "video" | "shortvideo" => format!("[视频 Video] {}", field(f, "MediaId")?),
        "location" => format!(
            "[位置 Location] {} ({}, {})",
            opt(f, "Label"),
            field(f, "Location_X")?,
            field(f, "Location_Y")?
        ),
        "link" => {
            let url = field(f, "Url")?;
            let said = format!("{} {}", opt(f, "Title"), opt(f, "Description"));
            if validate::url(url).is_ok() {
                attachments.push(Attachment::from_url(url));
                said.trim().to_owned()
            } else {
                format!("{} {url}", said.trim()).trim().to_owned()
            }
        }
        "event" => match field(f, "Event")?.to_ascii_lowercase().as_str() {
            "subscribe" => match opt(f, "EventKey").strip_prefix("qrscene_") {
                Some(scene) => format!("[关注 Followed] qrscene {scene}"),
                None => "[关注 Followed]".into(),
            },
            "unsubscribe" => "[取消关注 Unfollowed]".into(),
            "scan" => format!("[扫码 Scanned] {}", opt(f, "EventKey")),
            "click" => format!("[菜单 Menu] {}", field(f, "EventKey")?),
            "location" => format!(
                "[位置 Location] ({}, {})",
                field(f, "Latitude")?,
                field(f, "Longitude")?
            ),
            _ => return Ok(None),
        },
        _ => return Ok(None),
    };
    Ok(Some(InboundMessage {
        handle: from.to_owned(),
        name: String::new(),
        body,
        attachments,
        idempotency_key: key,
        context: None,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(xml: &str) -> Option<InboundMessage> {
        normalize(&fields(xml).unwrap()).unwrap()
    }

    const HEAD: &str = "<ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName><CreateTime>1409735668</CreateTime>";

    #[test]
    fn text_image_voice_location_and_links_become_messages() {
        let m = read(&format!("<xml>{HEAD}<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[<b>报价</b> & 交期?]]></Content><MsgId>6054768590064713728</MsgId></xml>")).unwrap();
        assert_eq!(m.handle, "oyORnuP8q7ou2gfYjqLzSIWZf0rs");
        // Text stays text: markup in it is never read as markup.
        assert_eq!(m.body, "<b>报价</b> & 交期?");
        assert_eq!(m.idempotency_key.len(), "wechat-".len() + 40);
        // The same message again is the same message; another is another.
        let again = read(&format!("<xml>{HEAD}<MsgType>text</MsgType><Content>x</Content><MsgId>6054768590064713728</MsgId></xml>")).unwrap();
        assert_eq!(again.idempotency_key, m.idempotency_key);
        let m = read(&format!("<xml>{HEAD}<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[https://mmbiz.qpic.cn/a.jpg]]></PicUrl><MediaId><![CDATA[m1]]></MediaId><MsgId>2</MsgId></xml>")).unwrap();
        assert_eq!(
            (
                m.body.as_str(),
                m.attachments[0].url.as_str(),
                m.attachments[0].is_image
            ),
            ("", "https://mmbiz.qpic.cn/a.jpg", true)
        );
        let m = read(&format!("<xml>{HEAD}<MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[v1]]></MediaId><Format><![CDATA[amr]]></Format><Recognition><![CDATA[明天下午有空]]></Recognition><MsgId>3</MsgId></xml>")).unwrap();
        assert_eq!(m.body, "[语音 Voice] 明天下午有空");
        let m = read(&format!("<xml>{HEAD}<MsgType><![CDATA[location]]></MsgType><Location_X>23.134521</Location_X><Location_Y>113.358803</Location_Y><Scale>20</Scale><Label><![CDATA[广州市天河区]]></Label><MsgId>4</MsgId></xml>")).unwrap();
        assert_eq!(
            m.body,
            "[位置 Location] 广州市天河区 (23.134521, 113.358803)"
        );
        let m = read(&format!("<xml>{HEAD}<MsgType><![CDATA[link]]></MsgType><Title><![CDATA[方案]]></Title><Description><![CDATA[第二版]]></Description><Url><![CDATA[https://example.com/p.pdf]]></Url><MsgId>5</MsgId></xml>")).unwrap();
        assert_eq!(
            (m.body.as_str(), m.attachments[0].url.as_str()),
            ("方案 第二版", "https://example.com/p.pdf")
        );
    }

    #[test]
    fn links_the_inbox_would_refuse_stay_in_the_text() {
        let m = read(&format!("<xml>{HEAD}<MsgType>image</MsgType><PicUrl>javascript:alert(1)</PicUrl><MsgId>6</MsgId></xml>")).unwrap();
        assert!(m.attachments.is_empty());
        assert_eq!(m.body, "[图片 Image] javascript:alert(1)");
        let m = read(&format!("<xml>{HEAD}<MsgType>link</MsgType><Title>方案</Title><Url>ftp://x/p.pdf</Url><MsgId>7</MsgId></xml>")).unwrap();
        assert!(m.attachments.is_empty());
        assert_eq!(m.body, "方案 ftp://x/p.pdf");
        // What is kept passes the inbox's own check.
        assert!(lianjie_core::inbox::validate_message(&m.body, &m.attachments).is_ok());
    }

    #[test]
    fn follows_menus_and_scans_are_said_and_other_events_skipped() {
        let event = |name: &str, extra: &str| {
            read(&format!(
                "<xml>{HEAD}<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{name}]]></Event>{extra}</xml>"
            ))
        };
        let m = event("subscribe", "").unwrap();
        assert_eq!(m.body, "[关注 Followed]");
        let unfollowed = event("unsubscribe", "").unwrap();
        assert_ne!(m.idempotency_key, unfollowed.idempotency_key);
        let m = event(
            "subscribe",
            "<EventKey><![CDATA[qrscene_expo2026]]></EventKey>",
        )
        .unwrap();
        assert_eq!(m.body, "[关注 Followed] qrscene expo2026");
        assert_eq!(
            event("unsubscribe", "").unwrap().body,
            "[取消关注 Unfollowed]"
        );
        assert_eq!(
            event("CLICK", "<EventKey><![CDATA[V1001_PRICE]]></EventKey>")
                .unwrap()
                .body,
            "[菜单 Menu] V1001_PRICE"
        );
        assert_eq!(
            event("VIEW", "<EventKey><![CDATA[https://x]]></EventKey>"),
            None
        );
        assert_eq!(
            event("TEMPLATESENDJOBFINISH", "<Status>success</Status>"),
            None
        );
    }

    #[test]
    fn broken_or_incomplete_xml_is_an_error() {
        assert!(fields("").is_err());
        assert!(fields("<xml><a>1</b></xml>").is_err());
        assert!(fields("{\"json\": true}").is_err());
        let no_from = fields("<xml><MsgType>text</MsgType><Content>hi</Content></xml>").unwrap();
        assert_eq!(normalize(&no_from), Err(XmlError::Missing("FromUserName")));
        let no_text = fields(&format!("<xml>{HEAD}<MsgType>text</MsgType></xml>")).unwrap();
        assert_eq!(normalize(&no_text), Err(XmlError::Missing("Content")));
        // A document type's entities are never expanded.
        let bomb = format!(
            "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><xml>{HEAD}<MsgType>text</MsgType><Content>&a;</Content></xml>"
        );
        assert!(fields(&bomb).is_err() || !read(&bomb).is_some_and(|m| m.body.contains("aaaa")));
    }
}
