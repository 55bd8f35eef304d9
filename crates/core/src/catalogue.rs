//! The words of the UI in zh-CN and en. Each catalogue is an enum, so a missing
//! translation or a mistyped key is a compile error. The customer pages' words are
//! here, in core, because the server writes them too (the first paint of a card or
//! article, before any script runs); the staff workbench's are in the app.

use crate::Locale;

/// A message of a catalogue: its text in a language.
pub trait Text: Copy {
    fn text(self, locale: Locale) -> &'static str;
}

/// Declares a catalogue: the enum `$name`, `ALL` its keys, and [`Text`], with every
/// key's Chinese and English text side by side.
#[macro_export]
macro_rules! catalogue {
    ($name:ident { $($key:ident => $zh:literal, $en:literal;)* }) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $($key,)* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$key,)*];
        }

        impl $crate::catalogue::Text for $name {
            fn text(self, locale: $crate::Locale) -> &'static str {
                // A table in the enum's order rather than a `match`: in the wasm, a
                // pair of string references per message instead of code to pick one.
                const TEXTS: &[[&str; 2]] = &[$([$zh, $en],)*];
                let [zh, en] = TEXTS[self as usize];
                match locale {
                    $crate::Locale::ZhCn => zh,
                    $crate::Locale::En => en,
                }
            }
        }
    };
}

/// What customers may read: the card, shared content, web chat and the frame
/// around them (errors, loading, the language switch). Staff pages use these too
/// where they say the same thing.
pub mod public {
    crate::catalogue!(PublicMsg {
        AppName => "连接", "Lianjie";
        Language => "语言", "Language";
        LanguageName => "中文", "English";
        Loading => "加载中…", "Loading…";
        Retry => "重试", "Retry";
        Undo => "撤销", "Undo";
        Dismiss => "关闭", "Dismiss";
        Notifications => "通知", "Notifications";
        CardPageTitle => "名片", "Business card";
        SharePageTitle => "分享内容", "Shared content";
        ChatPageTitle => "在线咨询", "Chat with us";
        SharedBy => "分享人", "Shared by";
        MessageMe => "给我留言", "Message me";
        TrackingNotice => "本页面会记录浏览与阅读时长，用于为你提供更好的服务。", "This page records viewing and reading time so we can serve you better.";
        NotFoundTitle => "页面不存在", "Page not found";
        NotFoundBody => "你要找的页面不存在或已被移除。", "The page you are looking for does not exist or has moved.";
        BackToDashboard => "返回工作台", "Back to dashboard";
        ErrorTitle => "出错了", "Something went wrong";
        ErrNotFound => "找不到这个链接，它可能已失效。", "This link was not found; it may have expired.";
        ErrNetwork => "网络连接失败，请检查网络后重试。", "Could not reach the server. Check your connection and try again.";
        ErrAppPart => "这部分应用未能加载，请检查网络后重试。", "This part of the app could not be loaded. Check your connection and try again.";
        ErrDecode => "服务器返回了无法识别的数据。", "The server sent a response we could not read.";
        LeadTitle => "留下联系方式", "Leave your details";
        LeadIntro => "留下联系方式，顾问会给你发送更多资料并解答问题。", "Leave your details and the adviser will send you more and answer your questions.";
        LeadGateIntro => "阅读全文前，请留下联系方式。", "Please leave your details to read on.";
        LeadName => "姓名", "Name";
        LeadPhone => "手机号", "Phone";
        LeadWechat => "微信号", "WeChat ID";
        LeadSubmit => "提交", "Send";
        LeadSkip => "暂不填写", "Not now";
        LeadThanks => "谢谢！顾问会尽快联系你。", "Thank you! The adviser will be in touch soon.";
        LeadNeedsContact => "请至少留下一种联系方式：手机、微信或邮箱。", "Leave at least one way to reach you: phone, WeChat or email.";
        ProblemRequired => "必填", "Required";
        ProblemTooLong => "太长了", "Too long";
        ProblemPhone => "不是有效的电话号码", "Not a phone number";
        ProblemEmail => "不是有效的邮箱地址", "Not an email address";
        ProblemUrl => "不是有效的网址", "Not a web address";
        ProblemRange => "取值无效", "Not a valid value";
        ProblemTaken => "已被使用", "Already in use";
        ProblemInUse => "仍在使用中", "Still in use";
        ProblemLimit => "已达上限", "Limit reached";
        ProblemNotYet => "暂时还不能", "Not yet possible";
        ChatIntro => "消息会直接发到顾问的工作台，顾问会尽快回复你。", "Your message goes straight to the adviser's workbench; they will get back to you soon.";
        YourName => "你的称呼（可选）", "Your name (optional)";
        MessageLabel => "消息", "Message";
        SendMessage => "发送消息", "Send message";
        Sending => "发送中…", "Sending…";
        NotSent => "未发送", "Not sent";
        Delivered => "已送达", "Delivered";
        WebVisitor => "网页访客", "Web visitor";
        YourMessages => "你发出的消息", "Your messages";
        ErrUnauthorized => "登录已失效，请重新登录。", "Your session has ended; please sign in again.";
        ErrStorage => "无法保存到此浏览器的存储（可能已满或被禁止），请重试。", "This browser's storage refused to save (it may be full or blocked); please try again.";
        ErrServer => "服务器暂时出错了，请稍后重试。", "The server had a problem; please try again shortly.";
        ErrBusy => "来自你所在网络的请求太多了，请稍后再试。", "Too many requests from your network; please try again later.";
        Email => "邮箱", "Email";
        ErrInvalid => "有些内容填写不正确，请检查标出的项目。", "Some fields need fixing; check the marked ones.";
        SaveContact => "保存到通讯录", "Save contact";
        CallMe => "打电话", "Call";
        CopyWechat => "复制微信号", "Copy WeChat ID";
        WechatCopied => "微信号已复制，打开微信添加好友即可。", "WeChat ID copied; add me in WeChat.";
        CopyByHand => "无法自动复制，请长按选中微信号后复制。", "Could not copy automatically; press and hold the WeChat ID to copy it.";
        EmailMe => "发邮件", "Email me";
        PhoneOnRequest => "电话号码可通过留言索取", "Phone number on request: message me";
        RequestPhone => "索取电话号码", "Ask for the phone number";
        AskForPhone => "您好，方便告诉我您的电话号码吗？", "Hello, could you send me your phone number?";
        CardActions => "联系我", "Get in touch";
        AboutMe => "关于我", "About me";
        ContactDetails => "联系方式", "Contact details";
        FieldAddress => "地址", "Address";
        FieldWebsite => "网站", "Website";
        FeaturedContent => "精选内容", "Featured content";
        GreetingAlt => "问候图片", "Greeting picture";
        PhotoOf => "{name}的照片", "Photo of {name}";
        LogoOf => "{company}的标志", "{company} logo";
        OpeningFailed => "打开失败，请重试。", "Could not open it; please try again.";
        ErrNoCard => "你的账号没有名片：名片属于销售顾问。", "Your account has no card: cards belong to sales reps.";
        ReplyFromAdviser => "顾问回复", "Reply from your adviser";
        ErrForbidden => "你的角色不能执行此操作。", "Your role doesn't allow this.";
        ErrUnsupported => "当前后端不提供此功能：密码、登录会话和退出登录需要服务器后端。", "This backend doesn't offer that: passwords, sessions and sign-out need the server backend.";
        ImageNamed => "图片：{name}", "Image: {name}";
    });
}

pub use public::PublicMsg;

/// What a person is told about one refused field.
pub fn problem_message(problem: &crate::validate::FieldProblem) -> PublicMsg {
    use crate::validate::FieldProblem;
    match problem {
        FieldProblem::Required => PublicMsg::ProblemRequired,
        FieldProblem::TooLong { .. } => PublicMsg::ProblemTooLong,
        FieldProblem::Phone => PublicMsg::ProblemPhone,
        FieldProblem::Email => PublicMsg::ProblemEmail,
        FieldProblem::Url => PublicMsg::ProblemUrl,
        FieldProblem::Range => PublicMsg::ProblemRange,
        FieldProblem::Taken => PublicMsg::ProblemTaken,
        FieldProblem::InUse => PublicMsg::ProblemInUse,
        FieldProblem::Limit => PublicMsg::ProblemLimit,
        FieldProblem::NotYet => PublicMsg::ProblemNotYet,
    }
}

/// `text` with `{name}` placeholders filled in from `vars`; in English, `{s}` after
/// a noun is "s" unless `{n}` is 1 ("1 view").
pub fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    if template.contains("{s}") {
        let one = vars.iter().any(|(k, v)| *k == "n" && *v == "1");
        let mut all = vars.to_vec();
        all.push(("s", if one { "" } else { "s" }));
        return crate::inbox::render_template(template, &all);
    }
    crate::inbox::render_template(template, vars)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// Every message of `all` has text in every language, and no two share their
    /// English text (a copy-paste slip, usually).
    fn check<T: Text + std::fmt::Debug>(all: &[T]) {
        let mut seen = HashSet::new();
        for msg in all {
            for locale in Locale::ALL {
                assert!(!msg.text(locale).trim().is_empty(), "{msg:?} in {locale:?}");
            }
            assert!(
                seen.insert(msg.text(Locale::En)),
                "duplicate text for {msg:?}"
            );
        }
    }

    #[test]
    fn the_public_words_are_complete_and_distinct() {
        check(PublicMsg::ALL);
    }

    #[test]
    fn each_message_reads_its_own_words() {
        let first = PublicMsg::ALL[0];
        assert_eq!(
            (first.text(Locale::ZhCn), first.text(Locale::En)),
            ("连接", "Lianjie")
        );
        assert_eq!(PublicMsg::Retry.text(Locale::ZhCn), "重试");
        assert_eq!(PublicMsg::Retry.text(Locale::En), "Retry");
        assert_eq!(PublicMsg::ImageNamed.text(Locale::En), "Image: {name}");
    }

    #[test]
    fn placeholders_and_english_plurals_are_filled() {
        assert_eq!(fill("{n} view{s}", &[("n", "1")]), "1 view");
        assert_eq!(fill("{n} view{s}", &[("n", "3")]), "3 views");
        assert_eq!(fill("{name}的照片", &[("name", "王磊")]), "王磊的照片");
    }
}
