//! Serves the real router on an ephemeral loopback port and talks HTTP to it.

async fn spawn() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, lianjie_server::router()).await });
    format!("http://{addr}")
}

#[tokio::test]
async fn health_answers_ok_json() {
    let base = spawn().await;
    let res = reqwest::get(format!("{base}/api/v1/health")).await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
}

#[tokio::test]
async fn unknown_api_path_is_404() {
    let base = spawn().await;
    let res = reqwest::get(format!("{base}/api/v1/nope")).await.unwrap();
    assert_eq!(res.status(), 404);
}
