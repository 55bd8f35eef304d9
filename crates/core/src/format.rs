//! Human-readable figures in each UI language.

use crate::locale::Locale;

/// Reading time as people say it: `4分12秒` / `4m 12s`; under a minute, seconds only;
/// from an hour, hours and minutes.
pub fn duration(ms: u64, locale: Locale) -> String {
    let s = ms / 1000;
    let (h, m, sec) = (s / 3600, (s % 3600) / 60, s % 60);
    match (locale, h, m) {
        (Locale::ZhCn, 0, 0) => format!("{sec}秒"),
        (Locale::ZhCn, 0, _) => format!("{m}分{sec}秒"),
        (Locale::ZhCn, _, _) => format!("{h}小时{m}分"),
        (Locale::En, 0, 0) => format!("{sec}s"),
        (Locale::En, 0, _) => format!("{m}m {sec}s"),
        (Locale::En, _, _) => format!("{h}h {m}m"),
    }
}

/// Whether what was typed finds `text`: every typed word appears in it, ignoring
/// case (so "res" finds "Resolve" and "chan wechat" finds "Channel: WeChat").
/// Nothing typed finds everything.
pub fn words_match(text: &str, typed: &str) -> bool {
    let text = text.to_lowercase();
    typed
        .split_whitespace()
        .all(|word| text.contains(&word.to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration(0, Locale::En), "0s");
        assert_eq!(duration(59_999, Locale::ZhCn), "59秒");
        assert_eq!(duration(252_000, Locale::ZhCn), "4分12秒");
        assert_eq!(duration(252_000, Locale::En), "4m 12s");
        assert_eq!(duration(3_723_000, Locale::En), "1h 2m");
        assert_eq!(duration(3_723_000, Locale::ZhCn), "1小时2分");
    }

    #[test]
    fn typed_words_match_anywhere_ignoring_case() {
        assert!(words_match("Resolve or reopen", ""));
        assert!(words_match("Resolve or reopen", "res"));
        assert!(words_match("Channel: WeChat", "chan WECHAT"));
        assert!(words_match("渠道：微信", "微信"));
        assert!(!words_match("Channel: WeChat", "chan email"));
        assert!(!words_match("Snooze", "snoozed"));
    }
}
