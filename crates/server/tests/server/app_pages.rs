//! The server as the app's host: the built app with SPA fallback, the HTTP backend
//! switched on in the page it serves, and its security headers.

use crate::common::start_with;
use lianjie_server::Config;
use reqwest::{Method, StatusCode};
use serde_json::json;

/// A server hosting the app built in `dist`, and the address its pages are under.
async fn hosting(dist: &std::path::Path) -> (crate::common::Server, String) {
    let s = start_with(|c| Config {
        dist: Some(dist.to_path_buf()),
        ..c
    })
    .await;
    let root = s.base.trim_end_matches("/api/v1").to_owned();
    (s, root)
}

/// A server (its configuration changed by `with`) hosting a bare app page, into
/// which it writes its first paints (the folder lives as long as the first value).
async fn hosting_a_page(
    with: impl FnOnce(Config) -> Config,
) -> (tempfile::TempDir, crate::common::Server, String) {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(
        dist.path().join("index.html"),
        r#"<html lang="zh-CN"><head><title>连接</title></head><body></body></html>"#,
    )
    .unwrap();
    let s = start_with(|c| {
        with(Config {
            dist: Some(dist.path().to_path_buf()),
            ..c
        })
    })
    .await;
    let root = s.base.trim_end_matches("/api/v1").to_owned();
    (dist, s, root)
}

/// The token of a new link to an article whose first three blocks now say `texts`
/// (paragraphs `b1`..`b3`), asking for the reader's details after the second.
async fn article_asking_after_two(
    s: &crate::common::Server,
    token: &str,
    texts: [&str; 3],
) -> String {
    let (_, list) = s.call(Method::GET, "/contents", Some(token), None).await;
    let mut article = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["blocks"].as_array().is_some_and(|b| b.len() >= 3))
        .unwrap()
        .clone();
    let id = article["id"].as_str().unwrap().to_owned();
    for (i, text) in texts.into_iter().enumerate() {
        article["blocks"][i] =
            json!({"id": format!("b{}", i + 1), "type": "paragraph", "text": text});
    }
    let (status, saved) = s
        .call(
            Method::PUT,
            &format!("/contents/{id}"),
            Some(token),
            Some(article),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let (_, share) = s
        .call(
            Method::POST,
            "/shares",
            Some(token),
            Some(json!({"target": {"type": "content", "id": id}, "lead_capture": {"mode": "after_section", "index": 1}})),
        )
        .await;
    share["token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn serves_the_app_with_spa_fallback_and_the_http_backend_switched_on() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(
        dist.path().join("index.html"),
        r#"<html><head><meta name="lianjie-backend" content="local" /></head><body class="x"></body></html>"#,
    )
    .unwrap();
    std::fs::write(dist.path().join("app.js"), "console.log(1)").unwrap();
    let (s, root) = hosting(dist.path()).await;
    for path in ["/", "/c/wang-lei", "/s/0123456789abcdef"] {
        let res = s.http.get(format!("{root}{path}")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let html = res.text().await.unwrap();
        assert!(html.contains(r#"content="http""#), "{path}: {html}");
    }
    // Every answer says how a browser must treat it: pages may run only this
    // server's scripts, the API's JSON nothing at all.
    let header = |res: &reqwest::Response, name: &str| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    for path in ["/", "/c/wang-lei", "/app.js", "/api/v1/health"] {
        let res = s.http.get(format!("{root}{path}")).send().await.unwrap();
        assert_eq!(header(&res, "x-content-type-options"), "nosniff", "{path}");
        assert_eq!(
            header(&res, "referrer-policy"),
            "strict-origin-when-cross-origin",
            "{path}"
        );
        assert!(
            header(&res, "permissions-policy").contains("camera=()"),
            "{path}"
        );
        let csp = header(&res, "content-security-policy");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        if path.starts_with("/api/") {
            assert_eq!(csp, "default-src 'none'; frame-ancestors 'none'");
        } else {
            for part in [
                "script-src 'self' 'wasm-unsafe-eval'",
                "object-src 'none'",
                "base-uri 'none'",
                "connect-src 'self'",
            ] {
                assert!(csp.contains(part), "{path}: {csp}");
            }
        }
    }
    let js = s.http.get(format!("{root}/app.js")).send().await.unwrap();
    assert_eq!(header(&js, "cache-control"), "", "named by what it is");
    assert_eq!(js.text().await.unwrap(), "console.log(1)");
    // A file named by its content's hash is kept for good; a hashed name not built
    // (an old build's module, asked for by a tab opened before a deploy) is not found,
    // never the app's page in its place.
    std::fs::write(dist.path().join("app-0123456789abcdef_bg.wasm"), "wasm").unwrap();
    let res = s
        .http
        .get(format!("{root}/app-0123456789abcdef_bg.wasm"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        header(&res, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    for path in ["/app-fedcba9876543210_bg.wasm", "/split_home-fedcba98.wasm"] {
        let res = s.http.get(format!("{root}{path}")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(header(&res, "cache-control"), "", "{path}");
        assert!(!header(&res, "content-type").contains("html"), "{path}");
    }
    let (status, body) = s.call(Method::GET, "/no-such-endpoint", None, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");

    // Link previews are in the HTML for previewers that run no JavaScript, escaped.
    let token = s.login().await;
    let (_, list) = s.call(Method::GET, "/contents", Some(&token), None).await;
    let mut item = list[0].clone();
    item["title"] = json!(r#"报价 "<script>alert(1)</script>"#);
    let id = item["id"].as_str().unwrap().to_owned();
    s.call(
        Method::PUT,
        &format!("/contents/{id}"),
        Some(&token),
        Some(item),
    )
    .await;
    let (_, share) = s
        .call(
            Method::POST,
            "/shares",
            Some(&token),
            Some(json!({"target": {"type": "content", "id": id}})),
        )
        .await;
    let page = |path: String| {
        let http = s.http.clone();
        async move { http.get(path).send().await.unwrap().text().await.unwrap() }
    };
    let html = page(format!("{root}/s/{}", share["token"].as_str().unwrap())).await;
    assert!(
        html.contains(r#"<meta property="og:title" content="报价 &quot;&lt;script&gt;alert(1)&lt;/script&gt;" />"#),
        "{html}"
    );
    assert!(!html.contains("<script>alert"), "{html}");
    let html = page(format!("{root}/c/wang-lei")).await;
    assert!(
        html.contains(r#"<meta property="og:title" content="王磊 | "#),
        "{html}"
    );
    assert!(html.contains("<title>王磊 | "), "{html}");
    // The card itself is in the page as text, readable before the app has loaded.
    assert!(
        html.contains(r#"<div id="first-paint" class="customer">"#)
            && html.contains(r#"<h1 class="card-name">王磊</h1>"#),
        "{html}"
    );

    // With the slim customer build present, customer links get its page instead.
    std::fs::create_dir(dist.path().join("customer")).unwrap();
    std::fs::write(
        dist.path().join("customer/index.html"),
        "<html><head><title>slim</title></head><body></body></html>",
    )
    .unwrap();
    let (_server, root) = hosting(dist.path()).await;
    let html = page(format!("{root}/c/wang-lei")).await;
    assert!(html.contains(r#"<body><div id="first-paint""#), "{html}");
    assert!(!html.contains("lianjie-backend"), "{html}");
    let staff = page(format!("{root}/card")).await;
    assert!(staff.contains(r#"content="http""#), "{staff}");

    // With the reader built beside it, a card or an article (with a form for the
    // reader's details or not) gets the reader; a tap to act on (`?then=`) needs the
    // app.
    std::fs::create_dir(dist.path().join("customer/reader")).unwrap();
    std::fs::write(
        dist.path().join("customer/reader/index.html"),
        r#"<html><head><meta name="built" content="reader"></head><body></body></html>"#,
    )
    .unwrap();
    std::fs::write(
        dist.path().join("customer/index.html"),
        r#"<html><head><meta name="built" content="app"></head><body></body></html>"#,
    )
    .unwrap();
    let (s, root) = hosting(dist.path()).await;
    let token = s.login().await;
    let (_, list) = s.call(Method::GET, "/contents", Some(&token), None).await;
    let id = list[0]["id"].as_str().unwrap().to_owned();
    let mut shares = Vec::new();
    for lead_capture in [json!({"mode": "off"}), json!({"mode": "soft_end"})] {
        let (_, share) = s
            .call(
                Method::POST,
                "/shares",
                Some(&token),
                Some(
                    json!({"target": {"type": "content", "id": id}, "lead_capture": lead_capture}),
                ),
            )
            .await;
        shares.push(share["token"].as_str().unwrap().to_owned());
    }
    for (path, built) in [
        ("/c/wang-lei".to_owned(), "reader"),
        ("/c/wang-lei?lang=en".to_owned(), "reader"),
        ("/c/wang-lei?then=chat".to_owned(), "app"),
        (format!("/s/{}", shares[0]), "reader"),
        (format!("/s/{}", shares[1]), "reader"),
        (format!("/s/{}?then=chat", shares[1]), "app"),
        ("/s/no-such-link".to_owned(), "app"),
        ("/chat/some-link".to_owned(), "app"),
    ] {
        let html = page(format!("{root}{path}")).await;
        assert!(
            html.contains(&format!(r#"<meta name="built" content="{built}">"#)),
            "{path}: {html}"
        );
    }
}

#[tokio::test]
async fn customer_pages_work_before_any_script_in_the_readers_language() {
    let (_dist, s, root) = hosting_a_page(|c| c).await;
    let get = |path: String, lang: &'static str| {
        let http = s.http.clone();
        async move {
            let res = http
                .get(path)
                .header("accept-language", lang)
                .send()
                .await
                .unwrap();
            let vary = res
                .headers()
                .get("vary")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            (vary, res.text().await.unwrap())
        }
    };

    // The card in the browser's language, its links working as plain links.
    let (vary, html) = get(format!("{root}/c/wang-lei"), "en-US,en;q=0.9,zh;q=0.8").await;
    assert!(vary.contains("Accept-Language"), "{vary}");
    for part in [
        r#"<html lang="en">"#,
        r#"<a class="cta" href="/api/v1/public/cards/wang-lei/vcard" download="#,
        ">Save contact</a>",
        r#"<a href="mailto:"#,
        r##"<a href="#card-wechat-id">"##,
        r#"<a href="?then=chat">Message me</a>"#,
        r#"<a class="featured-item" href="?then=content%3A"#,
        r#"<a lang="en" href="?lang=en" aria-current="true">English</a>"#,
    ] {
        assert!(html.contains(part), "{part} in {html}");
    }
    // `?lang=` wins over the browser, as in the app.
    let (_, zh) = get(format!("{root}/c/wang-lei?lang=zh"), "en").await;
    assert!(zh.contains(r#"<html lang="zh-CN">"#) && zh.contains(">保存到通讯录</a>"));
    // The save link is the server's vCard file.
    let vcard = s
        .http
        .get(format!("{root}/api/v1/public/cards/wang-lei/vcard"))
        .send()
        .await
        .unwrap();
    assert!(
        vcard
            .text()
            .await
            .unwrap()
            .contains("FN;CHARSET=UTF-8:王磊")
    );

    // A featured item's link shows that item's text (what opening it will show),
    // with the rep's card; an item the card does not feature shows the card.
    let token = s.login().await;
    let (_, card) = s
        .call(Method::GET, "/cards/wang-lei", Some(&token), None)
        .await;
    let featured = card["featured"][0].as_str().unwrap().to_owned();
    let (_, list) = s.call(Method::GET, "/contents", Some(&token), None).await;
    let item = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == featured.as_str())
        .unwrap()
        .clone();
    let (_, html) = get(
        format!("{root}/c/wang-lei?then=content%3A{featured}"),
        "zh-CN",
    )
    .await;
    let title = item["title"].as_str().unwrap();
    assert!(html.contains(&format!("<h1>{title}</h1>")), "{html}");
    assert!(html.contains(r#"<aside class="rep-card""#) && html.contains(r#"href="?then=chat""#));
    let (_, other) = get(format!("{root}/c/wang-lei?then=content%3Anope"), "zh-CN").await;
    assert!(other.contains(r#"<h1 class="card-name">"#), "{other}");

    // A shared article: every block before the lead form as escaped text, and none
    // after it; the chat link is the share's.
    let texts = [
        "第一段 <img src=x onerror=alert(1)>",
        "第二段",
        "留资后可见",
    ];
    let tok = &article_asking_after_two(&s, &token, texts).await;
    let (_, html) = get(format!("{root}/s/{tok}"), "zh-CN").await;
    assert!(
        html.contains("<p>第一段 &lt;img src=x onerror=alert(1)&gt;</p>"),
        "{html}"
    );
    assert!(
        html.contains("<p>第二段</p>") && !html.contains("留资后可见"),
        "{html}"
    );
    assert!(
        html.contains(&format!(
            r#"<a class="cta" href="/chat/{tok}">给我留言</a>"#
        )),
        "{html}"
    );
    assert!(!html.contains("<img src=x"), "{html}");
    // The form for the reader's details is in the page, after what it does not hold back.
    let form = html
        .find(r#"<form class="lead-form""#)
        .expect("the lead form");
    assert!(
        html.find("<p>第二段</p>").is_some_and(|at| at < form),
        "{html}"
    );
    assert!(
        html.contains(r#"<label for="lead-name">姓名</label>"#),
        "{html}"
    );

    // A reader who left their details on their own link reads it all there, unasked.
    let (_, opened) = s
        .call(Method::GET, &format!("/public/shares/{tok}"), None, None)
        .await;
    let child = opened["child_token"].as_str().unwrap().to_owned();
    let (_, before) = get(format!("{root}/s/{child}"), "zh-CN").await;
    assert!(
        before.contains("lead-form") && !before.contains("留资后可见"),
        "{before}"
    );
    let (status, _) = s
        .call(
            Method::POST,
            &format!("/public/shares/{child}/lead"),
            None,
            Some(json!({"name": "陈女士", "wechat_id": "chen_w"})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, after) = get(format!("{root}/s/{child}"), "zh-CN").await;
    assert!(
        after.contains("<p>留资后可见</p>") && !after.contains("lead-form"),
        "{after}"
    );
    // Anyone else opening the rep's link is still asked.
    let (_, shared) = get(format!("{root}/s/{tok}"), "zh-CN").await;
    assert!(
        shared.contains("lead-form") && !shared.contains("留资后可见"),
        "{shared}"
    );
}

#[tokio::test]
async fn a_shares_form_for_details_works_without_scripts() {
    let (_dist, s, root) = hosting_a_page(|c| c).await;
    // Redirects are looked at, not followed.
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let token = s.login().await;
    let tok = article_asking_after_two(&s, &token, ["一", "二", "留资后可见"]).await;
    let contacts = || async {
        let (_, all) = s.call(Method::GET, "/contacts", Some(&token), None).await;
        all.as_array().unwrap().clone()
    };
    let before = contacts().await.len();
    let post = |path: String, fields: [(&'static str, &'static str); 4]| {
        let http = http.clone();
        async move {
            let res = http
                .post(path)
                .header("accept-language", "zh-CN")
                .form(&fields)
                .send()
                .await
                .unwrap();
            let header = |name: &str| {
                res.headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            };
            let (location, cookie) = (header("location"), header("set-cookie"));
            (res.status(), (location, cookie), res.text().await.unwrap())
        }
    };

    let page_at = |path: String| {
        let http = http.clone();
        async move {
            let res = http.get(path).header("accept-language", "zh-CN");
            res.send().await.unwrap().text().await.unwrap()
        }
    };

    // The page's form posts here, its fields named for the server.
    let page = page_at(format!("{root}/s/{tok}")).await;
    assert!(
        page.contains(&format!(r#"method="post" action="/s/{tok}">"#)),
        "{page}"
    );
    assert!(page.contains(r#"<input id="lead-phone" name="phone" type="tel""#));

    // Refused: the same page again, with what was typed and why; nothing kept.
    let (status, _, html) = post(
        format!("{root}/s/{tok}?lang=en"),
        [
            ("name", "陈 <b>"),
            ("phone", "12"),
            ("wechat_id", ""),
            ("email", ""),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for part in [
        r#"<html lang="en">"#,
        r#"value="陈 &lt;b&gt;""#,
        r#"aria-invalid="true" aria-describedby="lead-phone-problem" value="12">"#,
        r#"id="lead-phone-problem">Not a phone number</span>"#,
        &format!(r#"action="/s/{tok}?lang=en">"#),
    ] {
        assert!(html.contains(part), "{part} in {html}");
    }
    assert!(!html.contains("留资后可见"));
    let (status, _, html) = post(
        format!("{root}/s/{tok}"),
        [
            ("name", "陈"),
            ("phone", ""),
            ("wechat_id", ""),
            ("email", ""),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains(r#"data-alert="contact">请至少留下一种联系方式"#),
        "{html}"
    );
    assert_eq!(contacts().await.len(), before);
    let (status, _, _) = post(
        format!("{root}/s/0123456789abcdef"),
        [
            ("name", "陈"),
            ("phone", "13700137000"),
            ("wechat_id", ""),
            ("email", ""),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Kept: on to the reader's own link (once: a reload does not post again), which
    // reads on and thanks them; the rep has the lead.
    let (status, (location, res_cookie), _) = post(
        format!("{root}/s/{tok}"),
        [
            ("name", "周先生"),
            ("phone", "13700137000"),
            ("wechat_id", ""),
            ("email", ""),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = location.unwrap();
    let child = location
        .strip_prefix("/s/")
        .and_then(|rest| rest.strip_suffix("?lead=sent"))
        .unwrap_or_else(|| panic!("{location}"));
    assert_ne!(child, tok);
    // When the reader's script runs there, it opens that link as this reader's own
    // (not as a forward of it): the browser keeps a cookie for that link's open only,
    // naming the link it was minted under.
    let cookie = format!("lianjie-own={tok}");
    let set = res_cookie.unwrap();
    assert!(
        set.starts_with(&format!("{cookie}; Path=/api/v1/public/shares/{child};"))
            && set.contains("HttpOnly"),
        "{set}"
    );
    let open = |cookie: String| {
        let (http, url) = (http.clone(), s.url(&format!("/public/shares/{child}")));
        async move {
            let res = http.get(url).header("cookie", cookie).send().await.unwrap();
            let opened: serde_json::Value = res.json().await.unwrap();
            (
                opened["share"]["token"].as_str().unwrap().to_owned(),
                opened["child_token"].as_str().unwrap().to_owned(),
            )
        }
    };
    assert_eq!(open(cookie).await, (tok.clone(), child.to_owned()));
    // Anyone else opening it (a forward) gets a link of their own under it, whatever
    // cookie they make up from what they were given (the reader's link itself).
    for other in [
        String::new(),
        format!("lianjie-own={child}"),
        "lianjie-own=0123456789abcdef0123456789abcdef".to_owned(),
    ] {
        let (from, theirs) = open(other).await;
        assert_eq!(from, child);
        assert_ne!(theirs, child);
    }
    let after = page_at(format!("{root}{location}")).await;
    assert!(
        after.contains("<p>留资后可见</p>")
            && after.contains(r#"<p role="status" class="lead-thanks">谢谢！"#)
            && !after.contains("lead-form"),
        "{after}"
    );
    let all = contacts().await;
    assert_eq!(all.len(), before + 1);
    let lead = all.iter().find(|c| c["phone"] == "13700137000").unwrap();
    assert_eq!(lead["name"], "周先生");
    assert_eq!(lead["lead_link"], child);
    // The page's form is a stranger's: signed in, staff post it as anyone does (their
    // session gives them nothing more on it), and get a reader's link of their own.
    let res = http
        .post(format!("{root}/s/{tok}?lang=en"))
        .bearer_auth(&token)
        .form(&[("name", "管理员"), ("wechat_id", "admin_w")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let theirs = res.headers()["location"].to_str().unwrap();
    assert!(
        theirs.starts_with("/s/")
            && !theirs.contains(child)
            && theirs.ends_with("?lead=sent&lang=en"),
        "{theirs}"
    );
    assert_eq!(contacts().await.len(), before + 2);
    // Anyone else on the rep's link is still asked.
    let shared = page_at(format!("{root}/s/{tok}")).await;
    assert!(shared.contains("lead-form") && !shared.contains("留资后可见"));
}

#[tokio::test]
async fn a_form_for_details_past_the_hourly_budget_comes_back_saying_so() {
    let (_dist, s, root) = hosting_a_page(|c| Config {
        reader_links_per_hour: 1,
        ..c
    })
    .await;
    let token = s.login().await;
    let tok = article_asking_after_two(&s, &token, ["一", "二", "三"]).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let post = || {
        http.post(format!("{root}/s/{tok}"))
            .header("accept-language", "zh-CN")
            .form(&[("name", "吴先生"), ("phone", "13600136000")])
            .send()
    };
    assert_eq!(post().await.unwrap().status(), StatusCode::SEE_OTHER);
    // The next new reader's link from this network is over the budget: the page again,
    // saying so, what was typed still there to send later; nothing kept.
    let res = post().await.unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let html = res.text().await.unwrap();
    for part in [
        r#"<p role="alert" class="form-error" data-alert="failed">来自你所在网络的请求太多了"#,
        r#"value="吴先生""#,
        r#"value="13600136000""#,
    ] {
        assert!(html.contains(part), "{part} in {html}");
    }
    let (_, all) = s.call(Method::GET, "/contacts", Some(&token), None).await;
    let kept = all.as_array().unwrap().iter();
    assert_eq!(kept.filter(|c| c["phone"] == "13600136000").count(), 1);
}
