//! The demo's content library: articles, posters, videos and documents with the
//! section (block) ids their readers' dwell is recorded against.

use crate::content::{Block, BlockBody, Content, ContentKind};
use chrono::{DateTime, Duration, Utc};

fn b(id: &str, tags: &[&str], body: BlockBody) -> Block {
    Block {
        id: id.into(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        body,
    }
}

fn p(text: &str) -> BlockBody {
    BlockBody::Paragraph { text: text.into() }
}

fn h(text: &str) -> BlockBody {
    BlockBody::Heading {
        level: 2,
        text: text.into(),
    }
}

pub(super) fn contents(now: DateTime<Utc>) -> Vec<Content> {
    let item =
        |id: &str, kind, title: &str, summary: &str, tags: &[&str], days: i64, blocks| Content {
            id: id.into(),
            kind,
            title: title.into(),
            summary: summary.into(),
            cover_url: format!("/public/demo/{}.svg", kind_slug(kind)),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            blocks,
            author_id: "u-wanglei".into(),
            // Written before the story's month, edited since.
            created_at: now - Duration::days(days + 45),
            updated_at: now - Duration::days(days),
        };
    vec![
        item(
            "c-pricing",
            ContentKind::Article,
            "2026 企业 SCRM 报价方案",
            "三种版本的功能与价格对比，以及常见的采购问题。",
            &["价格", "产品"],
            2,
            vec![
                b(
                    "intro",
                    &["产品"],
                    p(
                        "连接 SCRM 帮助销售团队在微信生态中管理客户关系：智能名片、内容追踪、统一收件箱，一个系统全部覆盖。",
                    ),
                ),
                b("editions", &["产品"], h("三种版本")),
                b(
                    "edition-list",
                    &["产品", "价格"],
                    BlockBody::List {
                        ordered: false,
                        items: vec![
                            "基础版：每席位每年 1,200 元，含智能名片与内容追踪".into(),
                            "专业版：每席位每年 2,800 元，增加统一收件箱与线索雷达".into(),
                            "企业版：按需报价，支持私有化部署与 SSO".into(),
                        ],
                    },
                ),
                b("price-h", &["价格"], h("价格与优惠")),
                b(
                    "price",
                    &["价格"],
                    p("100 席位以上享受 8 折；年付再赠送 2 个月。教育与公益机构另有专属价格。"),
                ),
                b("case-h", &["案例"], h("客户怎么说")),
                b(
                    "case-quote",
                    &["案例"],
                    BlockBody::Quote {
                        text: "上线三个月，销售跟进效率提升了 40%，私域复购率提升 35%。".into(),
                        cite: "某连锁零售品牌 运营总监".into(),
                    },
                ),
                b("service-h", &["售后"], h("售后与服务")),
                b(
                    "service",
                    &["售后"],
                    p("7×12 小时在线客服，专属客户成功经理，重大问题 2 小时内响应。"),
                ),
                b(
                    "cta",
                    &[],
                    BlockBody::Cta {
                        label: "预约演示".into(),
                        url: "/chat/demo".into(),
                    },
                ),
            ],
        ),
        item(
            "c-case-retail",
            ContentKind::Article,
            "客户案例：连锁零售如何用私域提升复购 35%",
            "从导购名片到内容追踪，一个 300 家门店品牌的实践。",
            &["案例"],
            5,
            vec![
                b(
                    "bg",
                    &["案例"],
                    p(
                        "优品连锁在全国有 300 家门店、2,000 名导购。过去导购加了客户微信，却不知道客户对什么感兴趣。",
                    ),
                ),
                b("how-h", &["产品"], h("做法")),
                b(
                    "how",
                    &["产品", "案例"],
                    BlockBody::List {
                        ordered: true,
                        items: vec![
                            "每位导购一张智能名片，扫码即加好友".into(),
                            "新品海报按客户分组推送，记录每位客户的浏览时长".into(),
                            "高意向客户自动提醒导购跟进".into(),
                        ],
                    },
                ),
                b("result-h", &["案例"], h("结果")),
                b(
                    "result",
                    &["案例"],
                    p("三个月内会员复购率提升 35%，导购人均跟进客户数翻倍。"),
                ),
            ],
        ),
        item(
            "c-quickstart-en",
            ContentKind::Article,
            "Smart card quick start",
            "Set up your card in five minutes and share it into any chat.",
            &["产品"],
            8,
            vec![
                b(
                    "s1",
                    &["产品"],
                    p(
                        "Your smart card is your face in every chat. Add a photo, your title and the three pieces of content you share most.",
                    ),
                ),
                b("s2-h", &["产品"], h("Share it")),
                b(
                    "s2",
                    &["产品"],
                    p(
                        "Tap Share, pick the contact, and paste the link into the chat. You will see when they open it and what they read.",
                    ),
                ),
                b(
                    "s3",
                    &["试用"],
                    BlockBody::Cta {
                        label: "Start a free trial".into(),
                        url: "/chat/demo".into(),
                    },
                ),
            ],
        ),
        item(
            "c-service",
            ContentKind::Article,
            "售后服务承诺",
            "响应时间、服务范围与升级流程。",
            &["售后"],
            12,
            vec![
                b(
                    "sla",
                    &["售后"],
                    p("工作日 9:00-21:00 在线客服；P1 故障 30 分钟内响应，4 小时内给出解决方案。"),
                ),
                b(
                    "scope",
                    &["售后"],
                    BlockBody::List {
                        ordered: false,
                        items: vec![
                            "产品使用培训".into(),
                            "数据迁移协助".into(),
                            "季度业务复盘".into(),
                        ],
                    },
                ),
            ],
        ),
        item(
            "p-double12",
            ContentKind::Poster,
            "双十二限时优惠",
            "12 月 12 日前签约享 7 折。",
            &["价格"],
            1,
            vec![b(
                "poster",
                &["价格"],
                BlockBody::Image {
                    url: "/public/demo/poster.svg".into(),
                    alt: "双十二限时优惠海报：签约享 7 折".into(),
                    caption: "活动截止 12 月 12 日".into(),
                },
            )],
        ),
        item(
            "p-launch",
            ContentKind::Poster,
            "新品发布会邀请函 New product launch",
            "12 月 20 日 上海 · 线下 + 直播。",
            &["产品"],
            4,
            vec![b(
                "poster",
                &["产品"],
                BlockBody::Image {
                    url: "/public/demo/poster.svg".into(),
                    alt: "新品发布会邀请函".into(),
                    caption: "扫码报名 Scan to register".into(),
                },
            )],
        ),
        item(
            "v-demo",
            ContentKind::Video,
            "3 分钟产品演示",
            "名片、内容追踪与收件箱的完整流程。",
            &["产品"],
            3,
            vec![
                b(
                    "video",
                    &["产品"],
                    BlockBody::Video {
                        url: "/public/demo/demo.mp4".into(),
                        poster_url: "/public/demo/video.svg".into(),
                        duration_s: 180,
                    },
                ),
                b(
                    "notes",
                    &["产品"],
                    p("视频中演示了从分享名片到客户留言进入收件箱的完整闭环。"),
                ),
            ],
        ),
        item(
            "v-interview",
            ContentKind::Video,
            "客户访谈：星河教育",
            "教育行业如何用线索雷达提高转化。",
            &["案例"],
            9,
            vec![b(
                "video",
                &["案例"],
                BlockBody::Video {
                    url: "/public/demo/interview.mp4".into(),
                    poster_url: "/public/demo/video.svg".into(),
                    duration_s: 420,
                },
            )],
        ),
        item(
            "d-whitepaper",
            ContentKind::Document,
            "SCRM 产品白皮书",
            "12 页：架构、安全与集成。",
            &["产品"],
            6,
            (1..=4)
                .map(|n| {
                    b(
                        &format!("page-{n}"),
                        if n == 4 { &["价格"] } else { &["产品"] },
                        BlockBody::Page {
                            image_url: "/public/demo/page.svg".into(),
                            alt: format!("白皮书第 {n} 页"),
                        },
                    )
                })
                .collect(),
        ),
        item(
            "d-contract",
            ContentKind::Document,
            "Service agreement 服务协议",
            "Terms, SLA and data protection.",
            &["售后"],
            15,
            (1..=3)
                .map(|n| {
                    b(
                        &format!("page-{n}"),
                        &["售后"],
                        BlockBody::Page {
                            image_url: "/public/demo/page.svg".into(),
                            alt: format!("Page {n}"),
                        },
                    )
                })
                .collect(),
        ),
    ]
}

fn kind_slug(kind: ContentKind) -> &'static str {
    match kind {
        ContentKind::Article => "article",
        ContentKind::Poster => "poster",
        ContentKind::Video => "video",
        ContentKind::Document => "page",
    }
}
