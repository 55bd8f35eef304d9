//! South China's month (Emily Chen and her manager 孙悦): Olivia Brown warms up in
//! English, asks for a trial and writes again; 孙悦 sends the service promise and her
//! card; Emily's card is scanned at an expo and her promotion poster brings a
//! question no one has answered yet.

use super::acts::VISITORS;
use super::story::{Story, card, content, read};
use crate::channel::Channel;
use crate::share::LeadCapture;
use crate::tracking::ViewAction::{Called, Emailed, Messaged, OpenedContent, SavedContact};

/// Emily Chen's South China month, and her manager 孙悦's links.
pub(super) fn south(s: &mut Story) {
    const REP: &str = "u-emily";
    // Olivia Brown of 华东医疗器械 (k-041) warms up in English, asks for a trial and
    // writes again; she is reading as the demo starts.
    const OLIVIA: &str = "k-041";
    let at = s.day(21, 10, 30);
    let link = s.share(
        REP,
        card("emily-chen"),
        Some(OLIVIA),
        Channel::Wechat,
        LeadCapture::Off,
        at,
    );
    s.visit(
        &link,
        None,
        s.day(21, 11, 0),
        read(50, 100, "").doing(&[SavedContact, Emailed]),
    );
    let at = s.day(15, 14, 20);
    let guide = s.share(
        REP,
        content("c-quickstart-en"),
        Some(OLIVIA),
        Channel::Wechat,
        LeadCapture::Off,
        at,
    );
    s.visit(&guide, None, s.day(15, 15, 0), read(150, 100, "产品"));
    let at = s.day(10, 10, 15);
    let video = s.share(
        REP,
        content("v-demo"),
        Some(OLIVIA),
        Channel::Wechat,
        LeadCapture::Off,
        at,
    );
    let her = s.visit(&video, None, s.day(10, 20, 40), read(185, 100, "产品"));
    s.visit(
        &video,
        Some(&her.own),
        s.day(4, 21, 10),
        read(120, 70, "产品"),
    );
    let at = s.day(4, 9, 0);
    let pricing = s.share(
        REP,
        content("c-pricing"),
        Some(OLIVIA),
        Channel::Wechat,
        LeadCapture::Off,
        at,
    );
    let her = s.visit(&pricing, None, s.day(4, 10, 20), read(200, 100, "价格"));
    // Ethan, her colleague, reads the prices she passed on.
    s.visit(&her.own, None, s.day(3, 14, 0), read(140, 100, "价格"));
    let ask = "Hi Emily, could we get a 20-seat trial for our Guangzhou office?";
    s.says(OLIVIA, "v-s07", ask, s.day(3, 17, 5));
    s.takes(REP, "v-s07", s.day(3, 17, 25));
    let reply =
        "Of course! I've set up a 14-day trial for 20 seats, the login details are on their way.";
    s.answers(REP, "v-s07", reply, s.day(3, 17, 30));
    s.visit(&pricing, Some(&her.own), s.ago(50), read(160, 100, "价格"));
    let again = "Thanks! Our IT team has a question about SSO. Could we have a call tomorrow?";
    s.says(OLIVIA, "v-s07", again, s.ago(40));

    // 吴建华 of 优品连锁 (k-026) and the retail case; Sophia Wilson (k-035) and the
    // interview; 赵超 (k-038) and the white paper, down to its prices.
    let at = s.day(13, 11, 0);
    let case = s.share(
        REP,
        content("c-case-retail"),
        Some("k-026"),
        Channel::Wecom,
        LeadCapture::Off,
        at,
    );
    let him = s.visit(&case, None, s.day(13, 14, 35), read(180, 100, "案例"));
    s.visit(
        &case,
        Some(&him.own),
        s.day(12, 20, 15),
        read(90, 100, "产品"),
    );
    let at = s.day(18, 16, 0);
    let video = s.share(
        REP,
        content("v-interview"),
        Some("k-035"),
        Channel::Email,
        LeadCapture::Off,
        at,
    );
    s.visit(&video, None, s.day(18, 21, 30), read(250, 100, "案例"));
    let at = s.day(9, 9, 30);
    let guide = s.share(
        REP,
        content("c-quickstart-en"),
        Some("k-035"),
        Channel::Qq,
        LeadCapture::Off,
        at,
    );
    s.visit(&guide, None, s.day(9, 10, 5), read(100, 100, "产品"));
    let at = s.day(11, 9, 20);
    let paper = s.share(
        REP,
        content("d-whitepaper"),
        Some("k-038"),
        Channel::Email,
        LeadCapture::Off,
        at,
    );
    let him = s.visit(&paper, None, s.day(11, 10, 40), read(260, 100, "产品"));
    s.visit(
        &paper,
        Some(&him.own),
        s.day(10, 14, 40),
        read(120, 100, "价格"),
    );

    // 刘涛 (k-044) opens the card and goes on to the demo video it features.
    let at = s.day(7, 11, 0);
    let link = s.share(
        REP,
        card("emily-chen"),
        Some("k-044"),
        Channel::Weibo,
        LeadCapture::Off,
        at,
    );
    let him = s.visit(
        &link,
        None,
        s.day(7, 11, 40),
        read(40, 100, "").doing(&[OpenedContent]),
    );
    s.featured(&him, "v-demo", s.day(7, 11, 41), read(90, 100, "产品"));

    // 孙悦, the South China manager: the service promise for Liam Moore of 北辰制造
    // (k-029), her card for Liam Moore of Harbor Foods (k-047).
    const MANAGER: &str = "u-sunyue";
    let at = s.day(12, 10, 0);
    let service = s.share(
        MANAGER,
        content("c-service"),
        Some("k-029"),
        Channel::Email,
        LeadCapture::Off,
        at,
    );
    s.visit(&service, None, s.day(12, 15, 10), read(110, 100, "售后"));
    let at = s.day(6, 14, 0);
    let link = s.share(
        MANAGER,
        card("sun-yue"),
        Some("k-047"),
        Channel::Sms,
        LeadCapture::Off,
        at,
    );
    s.visit(
        &link,
        None,
        s.day(6, 14, 30),
        read(35, 100, "").doing(&[Called]),
    );
}

/// Emily's card scanned at an expo, and her promotion poster in a group: a web chat
/// answered and one waiting.
pub(super) fn south_expo(s: &mut Story) {
    const REP: &str = "u-emily";
    for (hh, mm, secs) in [(10, 5, 30), (10, 40, 55), (14, 20, 20)] {
        s.visit_card("emily-chen", s.day(14, hh, mm), read(secs, 100, ""));
    }
    let how = read(45, 100, "").doing(&[Messaged]);
    let daniel = s.visit_card("emily-chen", s.day(14, 15, 10), how);
    let visitor = "0d9b8c7a6f5e4d3c2b1a09f8e7d6c5b4";
    let ask = "Hi, do you integrate with WeCom and DingTalk?";
    s.chats(
        &daniel.link,
        visitor,
        "Daniel Wong",
        VISITORS[2],
        "v-s08",
        ask,
        s.day(14, 15, 12),
    );
    s.takes(REP, "v-s08", s.day(14, 16, 0));
    let reply = "Hi Daniel, yes to both: WeCom natively, DingTalk through our open API.";
    s.answers(REP, "v-s08", reply, s.day(14, 16, 5));
    s.resolves(REP, "v-s08", s.day(14, 16, 6));

    let at = s.day(3, 12, 0);
    let poster = s.share(
        REP,
        content("p-double12"),
        None,
        Channel::Wechat,
        LeadCapture::Off,
        at,
    );
    s.previewer(&poster, at);
    for (days, hh, mm, secs) in [(3, 12, 20, 15), (3, 19, 45, 22), (2, 9, 10, 9)] {
        s.visit(&poster, None, s.day(days, hh, mm), read(secs, 100, "价格"));
    }
    let how = read(30, 100, "价格").doing(&[Messaged]);
    let lin = s.visit(&poster, None, s.day(2, 21, 35), how);
    let ask = "双十二的 7 折是所有版本都适用吗？企业版也可以吗？";
    let visitor = "7e6d5c4b3a2918f7e6d5c4b3a2918f70";
    s.chats(
        &lin.link,
        visitor,
        "林小姐",
        VISITORS[3],
        "v-s09",
        ask,
        s.day(2, 21, 40),
    );
}
