//! The server as the app's host: the built app with SPA fallback, the HTTP backend
//! switched on in the page it serves, and its security headers.

use crate::common::start_with;
use lianjie_server::Config;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn serves_the_app_with_spa_fallback_and_the_http_backend_switched_on() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(
        dist.path().join("index.html"),
        r#"<html><head><meta name="lianjie-backend" content="local" /></head><body class="x"></body></html>"#,
    )
    .unwrap();
    std::fs::write(dist.path().join("app.js"), "console.log(1)").unwrap();
    let s = start_with(|c| Config {
        dist: Some(dist.path().to_path_buf()),
        ..c
    })
    .await;
    let root = s.base.trim_end_matches("/api/v1").to_owned();
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
    assert_eq!(js.text().await.unwrap(), "console.log(1)");
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
    let s = start_with(|c| Config {
        dist: Some(dist.path().to_path_buf()),
        ..c
    })
    .await;
    let root = s.base.trim_end_matches("/api/v1").to_owned();
    let html = page(format!("{root}/c/wang-lei")).await;
    assert!(html.contains(r#"<body><div id="first-paint""#), "{html}");
    assert!(!html.contains("lianjie-backend"), "{html}");
    let staff = page(format!("{root}/card")).await;
    assert!(staff.contains(r#"content="http""#), "{staff}");
}
