//! Shareable content as typed blocks. Blocks are the sections tracking measures, and
//! they render as text nodes: no HTML from anyone ever reaches the page.

use crate::validate::{self, FieldErrors, FieldProblem};
use crate::wire::required;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentKind {
    Article,
    Poster,
    Video,
    /// A multi-page document shown as a sequence of page images.
    Document,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BlockBody {
    Heading {
        level: u8,
        text: String,
    },
    Paragraph {
        text: String,
    },
    Image {
        url: String,
        alt: String,
        caption: String,
    },
    Quote {
        text: String,
        cite: String,
    },
    List {
        ordered: bool,
        items: Vec<String>,
    },
    Video {
        url: String,
        poster_url: String,
        duration_s: u32,
    },
    Cta {
        label: String,
        url: String,
    },
    Page {
        image_url: String,
        alt: String,
    },
}

/// The block kinds an editor can add, by their wire name.
pub const BLOCK_KINDS: [&str; 8] = [
    "heading",
    "paragraph",
    "image",
    "quote",
    "list",
    "video",
    "cta",
    "page",
];

/// Field access by name, so one generic editor row serves every block kind.
impl BlockBody {
    pub fn empty(kind: &str) -> Option<BlockBody> {
        let s = String::new;
        Some(match kind {
            "heading" => BlockBody::Heading {
                level: 2,
                text: s(),
            },
            "paragraph" => BlockBody::Paragraph { text: s() },
            "image" => BlockBody::Image {
                url: s(),
                alt: s(),
                caption: s(),
            },
            "quote" => BlockBody::Quote {
                text: s(),
                cite: s(),
            },
            "list" => BlockBody::List {
                ordered: false,
                items: Vec::new(),
            },
            "video" => BlockBody::Video {
                url: s(),
                poster_url: s(),
                duration_s: 0,
            },
            "cta" => BlockBody::Cta {
                label: s(),
                url: s(),
            },
            "page" => BlockBody::Page {
                image_url: s(),
                alt: s(),
            },
            _ => return None,
        })
    }

    pub fn kind(&self) -> &'static str {
        match self {
            BlockBody::Heading { .. } => "heading",
            BlockBody::Paragraph { .. } => "paragraph",
            BlockBody::Image { .. } => "image",
            BlockBody::Quote { .. } => "quote",
            BlockBody::List { .. } => "list",
            BlockBody::Video { .. } => "video",
            BlockBody::Cta { .. } => "cta",
            BlockBody::Page { .. } => "page",
        }
    }

    /// The editable fields, in form order.
    pub fn fields(&self) -> &'static [&'static str] {
        match self {
            BlockBody::Heading { .. } => &["level", "text"],
            BlockBody::Paragraph { .. } => &["text"],
            BlockBody::Image { .. } => &["url", "alt", "caption"],
            BlockBody::Quote { .. } => &["text", "cite"],
            BlockBody::List { .. } => &["ordered", "items"],
            BlockBody::Video { .. } => &["url", "poster_url", "duration_s"],
            BlockBody::Cta { .. } => &["label", "url"],
            BlockBody::Page { .. } => &["image_url", "alt"],
        }
    }

    /// A field as text: numbers in decimal, `ordered` as true/false, list items one
    /// per line.
    pub fn field(&self, name: &str) -> String {
        match (self, name) {
            (BlockBody::Heading { level, .. }, "level") => level.to_string(),
            (BlockBody::List { ordered, .. }, "ordered") => ordered.to_string(),
            (BlockBody::List { items, .. }, "items") => items.join("\n"),
            (BlockBody::Video { duration_s, .. }, "duration_s") => duration_s.to_string(),
            // One accessor for the text fields: a small clone beats a second match.
            _ => self
                .clone()
                .text_field_mut(name)
                .map(std::mem::take)
                .unwrap_or_default(),
        }
    }

    fn text_field_mut(&mut self, name: &str) -> Option<&mut String> {
        match (self, name) {
            (BlockBody::Heading { text, .. }, "text")
            | (BlockBody::Paragraph { text }, "text")
            | (BlockBody::Quote { text, .. }, "text") => Some(text),
            (BlockBody::Image { url, .. }, "url")
            | (BlockBody::Video { url, .. }, "url")
            | (BlockBody::Cta { url, .. }, "url") => Some(url),
            (BlockBody::Image { alt, .. }, "alt") | (BlockBody::Page { alt, .. }, "alt") => {
                Some(alt)
            }
            (BlockBody::Image { caption, .. }, "caption") => Some(caption),
            (BlockBody::Quote { cite, .. }, "cite") => Some(cite),
            (BlockBody::Video { poster_url, .. }, "poster_url") => Some(poster_url),
            (BlockBody::Cta { label, .. }, "label") => Some(label),
            (BlockBody::Page { image_url, .. }, "image_url") => Some(image_url),
            _ => None,
        }
    }

    /// Sets a field from text. Numbers that don't parse keep an out-of-range value
    /// so validation reports them rather than silently keeping the old one.
    pub fn set_field(&mut self, name: &str, value: &str) {
        match (&mut *self, name) {
            (BlockBody::Heading { level, .. }, "level") => {
                *level = value.trim().parse().unwrap_or(0)
            }
            (BlockBody::List { ordered, .. }, "ordered") => *ordered = value == "true",
            (BlockBody::List { items, .. }, "items") => {
                *items = value
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned)
                    .collect()
            }
            (BlockBody::Video { duration_s, .. }, "duration_s") => {
                *duration_s = value.trim().parse().unwrap_or(0)
            }
            _ => {
                if let Some(field) = self.text_field_mut(name) {
                    value.clone_into(field);
                }
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "BlockWire")]
pub struct Block {
    /// Stable across edits so section statistics survive them.
    pub id: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(flatten)]
    pub body: BlockBody,
}

/// A block as it is read: flat, one optional field per name. A derived tagged enum
/// in a flattened field buffers every block before reading it, and that machinery
/// was a tenth of the customer pages' code (#20). The same fields stay required.
#[derive(Deserialize)]
struct BlockWire {
    id: String,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(rename = "type")]
    kind: String,
    level: Option<u8>,
    text: Option<String>,
    url: Option<String>,
    alt: Option<String>,
    caption: Option<String>,
    cite: Option<String>,
    ordered: Option<bool>,
    items: Option<Vec<String>>,
    poster_url: Option<String>,
    duration_s: Option<u32>,
    label: Option<String>,
    image_url: Option<String>,
}

impl TryFrom<BlockWire> for Block {
    type Error = String;

    fn try_from(w: BlockWire) -> Result<Block, String> {
        let body = match w.kind.as_str() {
            "heading" => BlockBody::Heading {
                level: required(w.level, "level")?,
                text: required(w.text, "text")?,
            },
            "paragraph" => BlockBody::Paragraph {
                text: required(w.text, "text")?,
            },
            "image" => BlockBody::Image {
                url: required(w.url, "url")?,
                alt: required(w.alt, "alt")?,
                caption: required(w.caption, "caption")?,
            },
            "quote" => BlockBody::Quote {
                text: required(w.text, "text")?,
                cite: required(w.cite, "cite")?,
            },
            "list" => BlockBody::List {
                ordered: required(w.ordered, "ordered")?,
                items: required(w.items, "items")?,
            },
            "video" => BlockBody::Video {
                url: required(w.url, "url")?,
                poster_url: required(w.poster_url, "poster_url")?,
                duration_s: required(w.duration_s, "duration_s")?,
            },
            "cta" => BlockBody::Cta {
                label: required(w.label, "label")?,
                url: required(w.url, "url")?,
            },
            "page" => BlockBody::Page {
                image_url: required(w.image_url, "image_url")?,
                alt: required(w.alt, "alt")?,
            },
            other => return Err(format!("unknown block type `{other}`")),
        };
        Ok(Block {
            id: w.id,
            tags: w.tags,
            body,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Content {
    pub id: String,
    pub kind: ContentKind,
    pub title: String,
    pub summary: String,
    pub cover_url: String,
    pub tags: Vec<String>,
    pub blocks: Vec<Block>,
    pub author_id: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub const MAX_BLOCKS: usize = 300;
pub const MAX_TEXT: usize = 5_000;

impl Content {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        use validate::{max_len, optional, required, url};
        let mut e = FieldErrors::default();
        e.check("title", required(&self.title, 120))
            .check("summary", max_len(&self.summary, 300))
            .check("cover_url", optional(&self.cover_url, url))
            .check("tags", tags_ok(&self.tags))
            .check(
                "blocks",
                if self.blocks.len() > MAX_BLOCKS {
                    Err(FieldProblem::TooLong { max: MAX_BLOCKS })
                } else {
                    Ok(())
                },
            );
        for (i, block) in self.blocks.iter().enumerate() {
            let field = |name: &str| format!("blocks[{i}].{name}");
            e.check(
                &field("id"),
                crate::ids::parse_public_id(&block.id)
                    .map(|_| ())
                    .map_err(|_| FieldProblem::Range),
            )
            .check(&field("tags"), tags_ok(&block.tags));
            match &block.body {
                BlockBody::Heading { level, text } => {
                    e.check(
                        &field("level"),
                        if (1..=3).contains(level) {
                            Ok(())
                        } else {
                            Err(FieldProblem::Range)
                        },
                    )
                    .check(&field("text"), required(text, 200));
                }
                BlockBody::Paragraph { text } => {
                    e.check(&field("text"), required(text, MAX_TEXT));
                }
                BlockBody::Quote { text, cite } => {
                    e.check(&field("text"), required(text, MAX_TEXT))
                        .check(&field("cite"), max_len(cite, 100));
                }
                BlockBody::List { items, .. } => {
                    e.check(
                        &field("items"),
                        if items.is_empty() || items.len() > 50 {
                            Err(FieldProblem::Range)
                        } else {
                            items.iter().try_for_each(|it| required(it, 500))
                        },
                    );
                }
                BlockBody::Image {
                    url: u,
                    alt,
                    caption,
                } => {
                    e.check(&field("url"), url(u))
                        .check(&field("alt"), max_len(alt, 200))
                        .check(&field("caption"), max_len(caption, 300));
                }
                BlockBody::Video {
                    url: u, poster_url, ..
                } => {
                    e.check(&field("url"), url(u))
                        .check(&field("poster_url"), optional(poster_url, url));
                }
                BlockBody::Cta { label, url: u } => {
                    e.check(&field("label"), required(label, 40))
                        .check(&field("url"), url(u));
                }
                BlockBody::Page { image_url, alt } => {
                    e.check(&field("image_url"), url(image_url))
                        .check(&field("alt"), max_len(alt, 200));
                }
            }
        }
        e.into_result()
    }
}

/// Up to 10 tags of up to 20 characters each.
impl ContentKind {
    pub const ALL: [ContentKind; 4] = [
        ContentKind::Article,
        ContentKind::Poster,
        ContentKind::Video,
        ContentKind::Document,
    ];

    /// The wire and URL name.
    pub fn slug(self) -> &'static str {
        match self {
            ContentKind::Article => "article",
            ContentKind::Poster => "poster",
            ContentKind::Video => "video",
            ContentKind::Document => "document",
        }
    }

    pub fn from_slug(slug: &str) -> Option<ContentKind> {
        Self::ALL.into_iter().find(|k| k.slug() == slug)
    }
}

/// What the content library is narrowed to (kept in the URL).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContentFilter {
    /// Matches title, summary and tags, ignoring case.
    pub text: String,
    pub kind: Option<ContentKind>,
    /// Matches the item's tags or any of its sections' tags.
    pub tag: Option<String>,
}

impl ContentFilter {
    pub fn matches(&self, c: &Content) -> bool {
        let text = self.text.trim().to_lowercase();
        let text_ok = text.is_empty()
            || c.title.to_lowercase().contains(&text)
            || c.summary.to_lowercase().contains(&text)
            || c.tags.iter().any(|t| t.to_lowercase().contains(&text));
        let kind_ok = self.kind.is_none_or(|k| k == c.kind);
        let tag_ok = self
            .tag
            .as_ref()
            .is_none_or(|tag| c.all_tags().any(|t| t == tag));
        text_ok && kind_ok && tag_ok
    }
}

impl Content {
    /// The item's own tags, then its sections' tags.
    pub fn all_tags(&self) -> impl Iterator<Item = &String> {
        self.tags
            .iter()
            .chain(self.blocks.iter().flat_map(|b| b.tags.iter()))
    }
}

/// Tags as people type them: separated by ASCII or Chinese commas, blanks dropped.
pub fn parse_tags(text: &str) -> Vec<String> {
    text.split([',', '，'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

fn tags_ok(tags: &[String]) -> Result<(), FieldProblem> {
    if tags.len() > 10 {
        return Err(FieldProblem::TooLong { max: 10 });
    }
    tags.iter().try_for_each(|t| validate::required(t, 20))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_read_back_as_they_were_written() {
        let mut blocks: Vec<Block> = BLOCK_KINDS
            .iter()
            .map(|kind| Block {
                id: format!("b-{kind}"),
                tags: vec!["price".into()],
                body: BlockBody::empty(kind).unwrap(),
            })
            .collect();
        for block in &mut blocks {
            for field in block.body.fields() {
                let value = match *field {
                    "level" => "3",
                    "ordered" => "true",
                    "duration_s" => "75",
                    "items" => "one\ntwo",
                    _ => "text <b>&</b>",
                };
                block.body.set_field(field, value);
            }
        }
        let json = serde_json::to_string(&blocks).unwrap();
        assert_eq!(serde_json::from_str::<Vec<Block>>(&json).unwrap(), blocks);
        // Each kind still needs its own fields, and unknown kinds are refused.
        for json in [
            r#"{"id":"a","type":"heading","text":"no level"}"#,
            r#"{"id":"a","type":"list","ordered":true}"#,
            r#"{"id":"a","type":"table","text":"x"}"#,
            r#"{"type":"paragraph","text":"no id"}"#,
        ] {
            assert!(serde_json::from_str::<Block>(json).is_err(), "{json}");
        }
        let untagged = r#"{"id":"a","type":"paragraph","text":"x"}"#;
        assert!(
            serde_json::from_str::<Block>(untagged)
                .unwrap()
                .tags
                .is_empty()
        );
    }

    fn article(blocks: Vec<Block>) -> Content {
        let t = DateTime::<Utc>::from_timestamp(1_790_000_000, 0).unwrap();
        Content {
            id: "c1".into(),
            kind: ContentKind::Article,
            title: "2026 报价方案".into(),
            summary: String::new(),
            cover_url: String::new(),
            tags: vec!["价格".into()],
            blocks,
            author_id: "u1".into(),
            created_at: t,
            updated_at: t,
        }
    }

    fn block(id: &str, body: BlockBody) -> Block {
        Block {
            id: id.into(),
            tags: vec![],
            body,
        }
    }

    #[test]
    fn blocks_serialize_flat_with_a_type_tag() {
        let b = Block {
            id: "p1".into(),
            tags: vec!["价格".into()],
            body: BlockBody::Paragraph {
                text: "你好".into(),
            },
        };
        let json = serde_json::to_value(&b).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"id": "p1", "tags": ["价格"], "type": "paragraph", "text": "你好"})
        );
        assert_eq!(serde_json::from_value::<Block>(json).unwrap(), b);
    }

    #[test]
    fn validation_points_at_the_bad_block_field() {
        let ok = article(vec![
            block(
                "h1",
                BlockBody::Heading {
                    level: 1,
                    text: "标题".into(),
                },
            ),
            block(
                "cta",
                BlockBody::Cta {
                    label: "预约".into(),
                    url: "https://example.cn".into(),
                },
            ),
        ]);
        assert!(ok.validate().is_ok());
        let bad = article(vec![
            block(
                "h1",
                BlockBody::Heading {
                    level: 7,
                    text: "标题".into(),
                },
            ),
            block(
                "img",
                BlockBody::Image {
                    url: "javascript:x".into(),
                    alt: String::new(),
                    caption: String::new(),
                },
            ),
            block("bad id", BlockBody::Paragraph { text: "x".into() }),
        ]);
        let errs = bad.validate().unwrap_err();
        assert_eq!(errs.get("blocks[0].level"), Some(&FieldProblem::Range));
        assert_eq!(errs.get("blocks[1].url"), Some(&FieldProblem::Url));
        assert_eq!(errs.get("blocks[2].id"), Some(&FieldProblem::Range));
    }

    #[test]
    fn filter_by_text_kind_and_section_tag() {
        let db = crate::demo::seed(chrono::Utc::now());
        let pricing = &db.contents["c-pricing"];
        let f = |text: &str, kind, tag: Option<&str>| ContentFilter {
            text: text.into(),
            kind,
            tag: tag.map(Into::into),
        };
        assert!(f("", None, None).matches(pricing));
        assert!(f("scrm", None, None).matches(pricing));
        assert!(!f("no such words", None, None).matches(pricing));
        assert!(f("", Some(pricing.kind), None).matches(pricing));
        assert!(!f("", Some(ContentKind::Video), None).matches(pricing));
        // A tag carried only by a section still finds the item.
        assert!(f("", None, Some("案例")).matches(pricing));
        assert!(!f("", None, Some("nope")).matches(pricing));
    }

    #[test]
    fn tags_split_on_either_comma() {
        assert_eq!(parse_tags(" 价格，案例, ,售后 "), ["价格", "案例", "售后"]);
        assert!(parse_tags(" , ").is_empty());
    }

    #[test]
    fn every_field_of_every_kind_round_trips_through_text() {
        for kind in BLOCK_KINDS {
            let mut body = BlockBody::empty(kind).unwrap();
            assert_eq!(body.kind(), kind);
            for field in body.fields() {
                let value = match *field {
                    "level" => "3",
                    "ordered" => "true",
                    "items" => "一\n二",
                    "duration_s" => "95",
                    _ => "文字 text",
                };
                body.set_field(field, value);
                assert_eq!(body.field(field), value, "{kind}.{field}");
            }
        }
        assert_eq!(BlockBody::empty("table"), None);
        let mut h = BlockBody::empty("heading").unwrap();
        h.set_field("level", "x");
        assert_eq!(
            h.field("level"),
            "0",
            "kept out of range for validation to report"
        );
    }
}
