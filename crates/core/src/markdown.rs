//! Markdown import for the content editor: turns common markdown into typed blocks,
//! so nothing downstream ever handles markup. Only what maps onto a block is read:
//! headings, paragraphs, quotes, lists, images and a link alone on its line (a call
//! to action). Inline emphasis markers are dropped, and HTML stays literal text.

use crate::content::{Block, BlockBody};

/// Blocks for `source`, with ids from `next_id` (called once per block, in order).
pub fn to_blocks(source: &str, mut next_id: impl FnMut() -> String) -> Vec<Block> {
    let mut out = Vec::new();
    let mut push = |body: BlockBody| {
        out.push(Block {
            id: next_id(),
            tags: Vec::new(),
            body,
        })
    };
    let mut paragraph: Vec<&str> = Vec::new();
    let mut quote: Vec<&str> = Vec::new();
    let mut list: Option<(bool, Vec<String>)> = None;

    // Emits whatever multi-line block is open.
    fn flush(
        paragraph: &mut Vec<&str>,
        quote: &mut Vec<&str>,
        list: &mut Option<(bool, Vec<String>)>,
        push: &mut dyn FnMut(BlockBody),
    ) {
        if !paragraph.is_empty() {
            push(BlockBody::Paragraph {
                text: inline(&paragraph.join(" ")),
            });
            paragraph.clear();
        }
        if !quote.is_empty() {
            push(BlockBody::Quote {
                text: inline(&quote.join(" ")),
                cite: String::new(),
            });
            quote.clear();
        }
        if let Some((ordered, items)) = list.take() {
            push(BlockBody::List { ordered, items });
        }
    }

    for raw in source.lines() {
        let line = raw.trim();
        let list_item = list_item(line);
        let is_quote = line.starts_with('>');
        let open_kind_changes = (!paragraph.is_empty() && (list_item.is_some() || is_quote))
            || (!quote.is_empty() && !is_quote)
            || (list.is_some() && list_item.is_none());
        if line.is_empty() || open_kind_changes {
            flush(&mut paragraph, &mut quote, &mut list, &mut push);
            if line.is_empty() {
                continue;
            }
        }
        if let Some((level, text)) = heading(line) {
            flush(&mut paragraph, &mut quote, &mut list, &mut push);
            push(BlockBody::Heading {
                level,
                text: inline(text),
            });
        } else if let Some((alt, url)) = link(line, true) {
            flush(&mut paragraph, &mut quote, &mut list, &mut push);
            push(BlockBody::Image {
                url,
                alt,
                caption: String::new(),
            });
        } else if let Some((label, url)) = link(line, false) {
            flush(&mut paragraph, &mut quote, &mut list, &mut push);
            push(BlockBody::Cta { label, url });
        } else if is_quote {
            quote.push(line.trim_start_matches('>').trim());
        } else if let Some((ordered, item)) = list_item {
            let (_, items) = list.get_or_insert_with(|| (ordered, Vec::new()));
            items.push(inline(item));
        } else {
            paragraph.push(line);
        }
    }
    flush(&mut paragraph, &mut quote, &mut list, &mut push);
    out
}

/// `# text` to `###### text`; blocks have three levels, so deeper ones become 3.
fn heading(line: &str) -> Option<(u8, &str)> {
    let hashes = line.chars().take_while(|c| *c == '#').count();
    let rest = &line[hashes..];
    ((1..=6).contains(&hashes) && rest.starts_with(' ')).then(|| (hashes.min(3) as u8, rest.trim()))
}

fn list_item(line: &str) -> Option<(bool, &str)> {
    for bullet in ["- ", "* ", "+ "] {
        if let Some(item) = line.strip_prefix(bullet) {
            return Some((false, item.trim()));
        }
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    let rest = &line[digits..];
    (digits > 0 && (rest.starts_with(". ") || rest.starts_with(") ")))
        .then(|| (true, rest[2..].trim()))
}

/// `[text](url)` (or `![alt](url)` when `image`) as the whole line.
fn link(line: &str, image: bool) -> Option<(String, String)> {
    let rest = if image {
        line.strip_prefix("![")?
    } else {
        line.strip_prefix('[')?
    };
    let (text, rest) = rest.split_once("](")?;
    let url = rest.strip_suffix(')')?;
    (!url.contains(' ')).then(|| (inline(text), url.to_owned()))
}

/// Drops inline emphasis and code markers; keeps the words.
fn inline(text: &str) -> String {
    text.replace("**", "")
        .replace("__", "")
        .replace('`', "")
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(md: &str) -> Vec<BlockBody> {
        let mut n = 0;
        to_blocks(md, || {
            n += 1;
            format!("b{n}")
        })
        .into_iter()
        .map(|b| b.body)
        .collect()
    }

    #[test]
    fn common_markdown_becomes_blocks() {
        let md = "# 报价方案\n\n标准版 **每席位** 每年 1,980 元，\n包含名片与内容追踪。\n\n## 客户案例\n> 上线三个月，效率提升 40%\n> —— 某制造企业\n\n- 名片\n- 内容\n\n1. 试用\n2. 签约\n\n![产品截图](https://example.cn/a.png)\n\n[预约演示](https://example.cn/demo)\n";
        assert_eq!(
            blocks(md),
            vec![
                BlockBody::Heading {
                    level: 1,
                    text: "报价方案".into()
                },
                BlockBody::Paragraph {
                    text: "标准版 每席位 每年 1,980 元， 包含名片与内容追踪。".into()
                },
                BlockBody::Heading {
                    level: 2,
                    text: "客户案例".into()
                },
                BlockBody::Quote {
                    text: "上线三个月，效率提升 40% —— 某制造企业".into(),
                    cite: String::new()
                },
                BlockBody::List {
                    ordered: false,
                    items: vec!["名片".into(), "内容".into()]
                },
                BlockBody::List {
                    ordered: true,
                    items: vec!["试用".into(), "签约".into()]
                },
                BlockBody::Image {
                    url: "https://example.cn/a.png".into(),
                    alt: "产品截图".into(),
                    caption: String::new()
                },
                BlockBody::Cta {
                    label: "预约演示".into(),
                    url: "https://example.cn/demo".into()
                },
            ]
        );
    }

    #[test]
    fn html_stays_text_and_odd_input_does_not_break() {
        assert_eq!(
            blocks("<script>alert(1)</script>"),
            vec![BlockBody::Paragraph {
                text: "<script>alert(1)</script>".into()
            }]
        );
        assert!(blocks("").is_empty());
        assert_eq!(
            blocks("####### seven"),
            vec![BlockBody::Paragraph {
                text: "####### seven".into()
            }]
        );
        assert_eq!(
            blocks("#### deep"),
            vec![BlockBody::Heading {
                level: 3,
                text: "deep".into()
            }]
        );
        // A paragraph running into a list ends before it.
        assert_eq!(blocks("intro\n- a").len(), 2);
    }
}
