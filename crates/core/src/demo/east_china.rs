//! East China's month (王磊, his director 陈刚, and 李娜's Shanghai team below them):
//! 周女士 of 优品连锁 reads the pricing again and again and passes it on three
//! readers deep, up to her boss, who writes from the page; 李先生 of 星河教育 goes
//! through the white paper and the demo video and asks on WeCom; 陈刚 sends his own
//! card. In Shanghai 胡静 reads, forwards and asks about training; a colleague of
//! 孙伟 leaves details that match a customer 李娜 has (probably the same person);
//! 刘明 goes through the contract by email; the launch invitation, posted to a
//! group, brings in new leads and a web chat.

use super::acts::{LEADS, VISITORS, details};
use super::story::{Story, card, content, read};
use crate::channel::Channel;
use crate::share::LeadCapture;
use crate::tracking::ViewAction::{
    Called, CopiedWechat, LeftDetails, Messaged, OpenedContent, SavedContact,
};

/// 周女士 of 优品连锁 (k-033), 王磊's customer: from his card at an expo to the
/// pricing read again and again, passed to her colleague and on to their boss.
pub(super) fn east_retail(s: &mut Story) {
    const REP: &str = "u-wanglei";
    const ZHOU: &str = "k-033";
    let at = s.day(26, 10, 20);
    let link = s.share(
        REP,
        card("wang-lei"),
        Some(ZHOU),
        Channel::Wechat,
        LeadCapture::Off,
        at,
    );
    s.previewer(&link, at);
    let how = read(95, 100, "").doing(&[SavedContact, CopiedWechat]);
    s.visit(&link, None, s.day(26, 20, 45), how);

    let at = s.day(20, 9, 40);
    let case = s.share(
        REP,
        content("c-case-retail"),
        Some(ZHOU),
        Channel::Wechat,
        LeadCapture::Off,
        at,
    );
    let her = s.visit(&case, None, s.day(20, 12, 15), read(260, 100, "案例"));
    s.visit(
        &case,
        Some(&her.own),
        s.day(20, 21, 30),
        read(140, 90, "产品"),
    );

    let at = s.day(12, 15, 5);
    let pricing = s.share(
        REP,
        content("c-pricing"),
        Some(ZHOU),
        Channel::Wechat,
        LeadCapture::Off,
        at,
    );
    s.previewer(&pricing, at);
    let her = s.visit(&pricing, None, s.day(12, 16, 40), read(210, 85, "价格"));
    s.says(
        ZHOU,
        "v-s01",
        "王经理，报价方案收到了，我们先内部评估一下。",
        s.day(11, 18, 30),
    );
    s.takes(REP, "v-s01", s.day(11, 18, 40));
    s.answers(
        REP,
        "v-s01",
        "好的周女士，有任何问题随时找我。100 席位以上可以享受 8 折。",
        s.day(11, 18, 42),
    );

    // She sends her link on to 钱伟 in purchasing, who reads it twice and leaves
    // his details (a new lead)...
    let how = read(180, 100, "价格").doing(&[LeftDetails]);
    let qian = s.visit(&her.own, None, s.day(11, 10, 5), how);
    let qian_details = details("钱伟", "13917265530", "qianwei@upin.example");
    s.leave_details(&qian, LEADS[0], qian_details, s.day(11, 10, 8));
    s.visit(
        &her.own,
        Some(&qian.own),
        s.day(9, 14, 30),
        read(120, 100, "价格"),
    );
    // ...and on to their boss, who writes from the page.
    let how = read(320, 100, "价格").doing(&[Messaged]);
    let boss = s.visit(&qian.own, None, s.day(5, 21, 10), how);
    let (visitor, name) = ("6f1c2a9e0b7d4e38a5c1f0e2d3b4a596", "冯建国");
    let first = "我是优品连锁的冯建国，我们 300 家门店想整体上线，方便下周约个时间面谈吗？";
    s.chats(
        &boss.link,
        visitor,
        name,
        VISITORS[0],
        "v-s02",
        first,
        s.day(5, 21, 16),
    );
    s.takes(REP, "v-s02", s.day(4, 9, 20));
    let reply = "冯总您好！下周二下午我和陈刚总监一起到贵司拜访，您看方便吗？";
    s.answers(REP, "v-s02", reply, s.day(4, 9, 25));
    let again = "周二下午可以，我们 IT 负责人也会参加。";
    s.chats(
        &boss.link,
        visitor,
        name,
        VISITORS[0],
        "v-s02",
        again,
        s.day(4, 12, 40),
    );

    // She keeps coming back to the prices, and asks.
    s.visit(
        &pricing,
        Some(&her.own),
        s.day(5, 20, 50),
        read(240, 100, "价格"),
    );
    s.visit(
        &pricing,
        Some(&her.own),
        s.day(1, 21, 20),
        read(300, 100, "价格"),
    );
    let ask = "我们确定 120 个席位，年付的话折扣能再确认一下吗？";
    s.says(ZHOU, "v-s01", ask, s.day(1, 21, 35));
    s.visit(&pricing, Some(&her.own), s.ago(9), read(190, 70, "价格"));
}

/// 李先生 of 星河教育 (k-042): the white paper, the demo video, a question on
/// WeCom, and back at the prices as the demo starts.
pub(super) fn east_education(s: &mut Story) {
    const REP: &str = "u-wanglei";
    const LI: &str = "k-042";
    let at = s.day(16, 14, 30);
    let paper = s.share(
        REP,
        content("d-whitepaper"),
        Some(LI),
        Channel::Wecom,
        LeadCapture::Off,
        at,
    );
    let him = s.visit(&paper, None, s.day(16, 17, 5), read(280, 100, "产品"));
    s.visit(
        &paper,
        Some(&him.own),
        s.day(9, 10, 15),
        read(200, 100, "价格"),
    );

    let at = s.day(9, 10, 40);
    let video = s.share(
        REP,
        content("v-demo"),
        Some(LI),
        Channel::Wecom,
        LeadCapture::Off,
        at,
    );
    let watched = s.visit(&video, None, s.day(9, 11, 2), read(175, 100, "产品"));
    // A colleague watches the video he passed on.
    s.visit(&watched.own, None, s.day(2, 10, 30), read(130, 100, "产品"));

    s.says(
        LI,
        "v-s03",
        "白皮书第 4 页的价格是含税价吗？我们需要开专票。",
        s.day(3, 15, 20),
    );
    s.takes(REP, "v-s03", s.day(3, 15, 40));
    let reply = "李先生您好，报价含 6% 增值税，可以开具增值税专用发票。";
    s.answers(REP, "v-s03", reply, s.day(3, 15, 48));
    s.resolves(REP, "v-s03", s.day(3, 15, 50));
    s.visit(&paper, Some(&him.own), s.ago(35), read(150, 100, "价格"));
}

/// The rest of 王磊's month, and his director's card.
pub(super) fn east_others(s: &mut Story) {
    const REP: &str = "u-wanglei";
    // 徐女士 (k-027) read the prices and the service promise weeks ago, then went quiet.
    let at = s.day(19, 11, 0);
    let pricing = s.share(
        REP,
        content("c-pricing"),
        Some("k-027"),
        Channel::Qq,
        LeadCapture::Off,
        at,
    );
    let her = s.visit(&pricing, None, s.day(19, 14, 22), read(150, 80, "价格"));
    s.visit(
        &pricing,
        Some(&her.own),
        s.day(18, 20, 10),
        read(90, 100, "售后"),
    );
    let at = s.day(18, 9, 30);
    let service = s.share(
        REP,
        content("c-service"),
        Some("k-027"),
        Channel::Qq,
        LeadCapture::Off,
        at,
    );
    s.visit(&service, None, s.day(18, 9, 50), read(60, 100, "售后"));

    // 刘先生 (k-030) got the card by email and called.
    let at = s.day(8, 10, 0);
    let link = s.share(
        REP,
        card("wang-lei"),
        Some("k-030"),
        Channel::Email,
        LeadCapture::Off,
        at,
    );
    s.visit(
        &link,
        None,
        s.day(8, 10, 30),
        read(45, 100, "").doing(&[Called]),
    );

    // 赵先生 (k-036) glanced at the poster; 李女士 (k-045) has not opened hers, only
    // WeChat's previewer did.
    let at = s.day(6, 19, 0);
    let poster = s.share(
        REP,
        content("p-double12"),
        Some("k-036"),
        Channel::Wechat,
        LeadCapture::Off,
        at,
    );
    s.previewer(&poster, at);
    s.visit(&poster, None, s.day(6, 19, 12), read(8, 100, "价格"));
    let at = s.day(4, 11, 0);
    let case = s.share(
        REP,
        content("c-case-retail"),
        Some("k-045"),
        Channel::Douyin,
        LeadCapture::Off,
        at,
    );
    s.previewer(&case, at);

    // 张先生 (k-048) opened the card and went on to the pricing it features.
    let at = s.day(15, 16, 10);
    let link = s.share(
        REP,
        card("wang-lei"),
        Some("k-048"),
        Channel::Wechat,
        LeadCapture::Off,
        at,
    );
    let how = read(40, 100, "").doing(&[OpenedContent]);
    let him = s.visit(&link, None, s.day(15, 19, 55), how);
    s.featured(&him, "c-pricing", s.day(15, 19, 56), read(130, 70, "价格"));

    // 陈刚, the East China director, sends his own card to 王磊's customer 张女士
    // (k-009) and the retail case to 孙先生 (k-018).
    const DIRECTOR: &str = "u-chengang";
    let at = s.day(9, 16, 0);
    let link = s.share(
        DIRECTOR,
        card("chen-gang"),
        Some("k-009"),
        Channel::Wecom,
        LeadCapture::Off,
        at,
    );
    s.visit(
        &link,
        None,
        s.day(9, 16, 20),
        read(40, 100, "").doing(&[SavedContact]),
    );
    let at = s.day(7, 10, 0);
    let case = s.share(
        DIRECTOR,
        content("c-case-retail"),
        Some("k-018"),
        Channel::Wecom,
        LeadCapture::Off,
        at,
    );
    s.visit(&case, None, s.day(7, 13, 45), read(120, 100, "案例"));
}

/// 李娜's Shanghai team: 胡静, a lead that may be a customer already, a contract.
pub(super) fn shanghai(s: &mut Story) {
    const REP: &str = "u-lina";
    // 胡静 of Harbor Foods (k-025): card, pricing passed to two colleagues, the
    // customer interview, a question about training, and reading again now.
    const HU: &str = "k-025";
    let at = s.day(22, 10, 10);
    let link = s.share(
        REP,
        card("li-na"),
        Some(HU),
        Channel::Wechat,
        LeadCapture::Off,
        at,
    );
    s.visit(
        &link,
        None,
        s.day(22, 10, 40),
        read(60, 100, "").doing(&[SavedContact]),
    );
    let at = s.day(14, 14, 0);
    let pricing = s.share(
        REP,
        content("c-pricing"),
        Some(HU),
        Channel::Wechat,
        LeadCapture::Off,
        at,
    );
    let her = s.visit(&pricing, None, s.day(14, 19, 45), read(220, 100, "价格"));
    s.visit(&her.own, None, s.day(13, 9, 30), read(160, 100, "价格"));
    s.visit(&her.own, None, s.day(13, 11, 5), read(90, 60, "产品"));
    let at = s.day(10, 10, 0);
    let video = s.share(
        REP,
        content("v-interview"),
        Some(HU),
        Channel::Wechat,
        LeadCapture::Off,
        at,
    );
    s.visit(&video, None, s.day(10, 20, 30), read(400, 100, "案例"));
    s.visit(
        &pricing,
        Some(&her.own),
        s.day(6, 21, 0),
        read(180, 100, "售后"),
    );
    s.says(
        HU,
        "v-s04",
        "李顾问，我们有 60 个销售，专业版包含培训吗？",
        s.day(6, 21, 15),
    );
    s.takes(REP, "v-s04", s.day(5, 9, 5));
    let reply = "胡女士您好，专业版包含两次线上培训和一次上门培训，可以按你们的时间安排。";
    s.answers(REP, "v-s04", reply, s.day(5, 9, 10));
    s.resolves(REP, "v-s04", s.day(5, 9, 12));
    s.visit(
        &pricing,
        Some(&her.own),
        s.day(2, 9, 40),
        read(120, 100, "价格"),
    );
    s.visit(&pricing, Some(&her.own), s.ago(18), read(240, 100, "价格"));

    // 孙伟 of Bright Retail (k-034) passes the retail case on; his colleague leaves
    // the phone number of 赵建华 (k-028), whom 李娜 knows: probably the same person.
    let at = s.day(17, 15, 0);
    let case = s.share(
        REP,
        content("c-case-retail"),
        Some("k-034"),
        Channel::Wecom,
        LeadCapture::SoftEnd,
        at,
    );
    let sun = s.visit(&case, None, s.day(17, 15, 30), read(200, 100, "案例"));
    let how = read(150, 100, "案例").doing(&[LeftDetails]);
    let colleague = s.visit(&sun.own, None, s.day(16, 10, 20), how);
    let phone = s.db.contacts.get("k-028").map(|c| c.phone.clone());
    let zhao = details("赵建华", &phone.unwrap_or_default(), "");
    s.leave_details(&colleague, LEADS[1], zhao, s.day(16, 10, 23));

    // 刘明 of 云帆物流 (k-046) goes through the contract and asks by email.
    const LIU: &str = "k-046";
    let at = s.day(12, 11, 0);
    let contract = s.share(
        REP,
        content("d-contract"),
        Some(LIU),
        Channel::Email,
        LeadCapture::Off,
        at,
    );
    let him = s.visit(&contract, None, s.day(12, 14, 10), read(240, 100, "售后"));
    s.visit(
        &contract,
        Some(&him.own),
        s.day(11, 9, 30),
        read(180, 100, "售后"),
    );
    let ask = "合同第 3 页的数据保护条款，我们法务希望补充数据存储在境内的说明。";
    s.says(LIU, "v-s05", ask, s.day(11, 10, 0));
    s.takes(REP, "v-s05", s.day(11, 13, 30));
    let reply = "刘经理，已和法务确认：数据全部存储在境内机房，补充条款已更新，请查收。";
    s.answers(REP, "v-s05", reply, s.day(11, 16, 20));
    s.resolves(REP, "v-s05", s.day(11, 16, 25));
    s.says(LIU, "v-s05", "收到，谢谢李顾问！", s.day(10, 9, 15));
    s.resolves(REP, "v-s05", s.day(10, 9, 40));

    // The customer interview for 吴建华 (k-043), the card for 黄芳 (k-031), the
    // service promise for 刘芳 (k-037).
    let at = s.day(20, 10, 30);
    let video = s.share(
        REP,
        content("v-interview"),
        Some("k-043"),
        Channel::Qq,
        LeadCapture::Off,
        at,
    );
    s.visit(&video, None, s.day(20, 20, 15), read(300, 100, "案例"));
    let at = s.day(9, 11, 20);
    let link = s.share(
        REP,
        card("li-na"),
        Some("k-031"),
        Channel::Sms,
        LeadCapture::Off,
        at,
    );
    s.visit(
        &link,
        None,
        s.day(9, 12, 5),
        read(30, 100, "").doing(&[Called]),
    );
    let at = s.day(5, 15, 0);
    let service = s.share(
        REP,
        content("c-service"),
        Some("k-037"),
        Channel::Wechat,
        LeadCapture::Off,
        at,
    );
    s.visit(&service, None, s.day(5, 15, 40), read(70, 100, "售后"));
}

/// The launch invitation, posted by 李娜 to a WeChat group: readers nobody knew,
/// two of whom leave their details, and one who asks.
pub(super) fn shanghai_launch(s: &mut Story) {
    const REP: &str = "u-lina";
    let at = s.day(8, 18, 0);
    let poster = s.share(
        REP,
        content("p-launch"),
        None,
        Channel::Wechat,
        LeadCapture::Before,
        at,
    );
    s.previewer(&poster, at);
    let how = read(35, 100, "产品").doing(&[LeftDetails]);
    let kevin = s.visit(&poster, None, s.day(8, 18, 40), how);
    let details_kevin = details("Kevin Zhang", "", "kevin.zhang@harbor.example");
    s.leave_details(&kevin, LEADS[2], details_kevin, s.day(8, 18, 41));
    s.visit(&poster, None, s.day(8, 20, 15), read(12, 100, ""));
    let qian = s.visit(&poster, None, s.day(7, 9, 15), how);
    s.leave_details(
        &qian,
        LEADS[3],
        details("钱芳", "13661234567", ""),
        s.day(7, 9, 16),
    );
    s.visit(&poster, None, s.day(7, 22, 5), read(25, 100, "产品"));
    let how = read(40, 100, "产品").doing(&[Messaged]);
    let grace = s.visit(&poster, None, s.day(6, 20, 0), how);
    let ask = "发布会现场可以带同事一起参加吗？";
    let visitor = "a3e5c7d9f1b2046882c4e6a8b0d2f4a1";
    s.chats(
        &grace.link,
        visitor,
        "Grace 王",
        VISITORS[1],
        "v-s06",
        ask,
        s.day(6, 20, 5),
    );
    s.takes("u-zhaomin", "v-s06", s.day(5, 9, 25));
    let reply = "可以的，每家公司最多 3 位，报名时填写同行人即可。";
    s.answers("u-zhaomin", "v-s06", reply, s.day(5, 9, 30));
    s.resolves("u-zhaomin", "v-s06", s.day(5, 9, 31));
}
