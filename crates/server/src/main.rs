use std::net::SocketAddr;

/// Where to listen: `LIANJIE_ADDR`, default loopback so a dev machine exposes nothing.
fn listen_addr() -> Result<SocketAddr, String> {
    let raw = std::env::var("LIANJIE_ADDR").unwrap_or_else(|_| "127.0.0.1:8787".into());
    raw.parse()
        .map_err(|e| format!("LIANJIE_ADDR={raw:?} is not an address: {e}"))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = listen_addr()?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!(
        "lianjie-server listening on http://{}",
        listener.local_addr()?
    );
    axum::serve(listener, lianjie_server::router())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
