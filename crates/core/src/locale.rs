//! Which UI language to show.
//!
//! The choice follows a fixed precedence so a shared link can force a language
//! (`?lang=en`) without the customer's own preference being lost for later visits:
//! explicit query parameter, then the remembered choice, then the browser's list.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Locale {
    /// Simplified Chinese: the product's home market, so the fallback.
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::ZhCn, Locale::En];

    /// BCP 47 tag for `<html lang>` and `Accept-Language`.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }

    /// The short code used in `?lang=` and in storage.
    pub fn code(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh",
            Locale::En => "en",
        }
    }

    /// Parses a language tag or code leniently (`zh`, `zh-CN`, `zh_Hans_CN`, `EN-us`).
    /// Unknown languages give `None` so the caller can fall through to the next source.
    pub fn parse(tag: &str) -> Option<Locale> {
        let primary = tag
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Locale::ZhCn),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    /// Picks the locale from, in order: the `?lang=` value, the stored preference and
    /// the browser's preferred languages (first supported one wins).
    pub fn negotiate<'a>(
        query: Option<&str>,
        stored: Option<&str>,
        browser: impl IntoIterator<Item = &'a str>,
    ) -> Locale {
        query
            .and_then(Locale::parse)
            .or_else(|| stored.and_then(Locale::parse))
            .or_else(|| browser.into_iter().find_map(Locale::parse))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tags_leniently() {
        assert_eq!(Locale::parse("zh"), Some(Locale::ZhCn));
        assert_eq!(Locale::parse("zh-TW"), Some(Locale::ZhCn));
        assert_eq!(Locale::parse("zh_Hans_CN"), Some(Locale::ZhCn));
        assert_eq!(Locale::parse(" EN-us "), Some(Locale::En));
        assert_eq!(Locale::parse("fr"), None);
        assert_eq!(Locale::parse(""), None);
    }

    #[test]
    fn query_beats_stored_beats_browser() {
        assert_eq!(
            Locale::negotiate(Some("en"), Some("zh"), ["zh-CN"]),
            Locale::En
        );
        assert_eq!(Locale::negotiate(None, Some("en"), ["zh-CN"]), Locale::En);
        assert_eq!(Locale::negotiate(None, None, ["en-GB"]), Locale::En);
    }

    #[test]
    fn unknown_values_fall_through() {
        assert_eq!(
            Locale::negotiate(Some("klingon"), None, ["de", "en"]),
            Locale::En
        );
        assert_eq!(Locale::negotiate(None, Some(""), ["fr"]), Locale::ZhCn);
        assert_eq!(Locale::negotiate(None, None, []), Locale::ZhCn);
    }

    #[test]
    fn code_and_tag_round_trip() {
        for l in Locale::ALL {
            assert_eq!(Locale::parse(l.code()), Some(l));
            assert_eq!(Locale::parse(l.tag()), Some(l));
        }
    }

    #[test]
    fn serializes_as_tag() {
        assert_eq!(serde_json::to_string(&Locale::ZhCn).unwrap(), "\"zh-CN\"");
        let l: Locale = serde_json::from_str("\"en\"").unwrap();
        assert_eq!(l, Locale::En);
    }
}
