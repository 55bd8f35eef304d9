use lianjie_server::Config;
use std::net::SocketAddr;

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Reads the configuration from `LIANJIE_*` variables (see the README).
fn config() -> Result<(SocketAddr, Config), String> {
    let raw = env("LIANJIE_ADDR").unwrap_or_else(|| "127.0.0.1:8787".into());
    let addr = raw
        .parse()
        .map_err(|e| format!("LIANJIE_ADDR={raw:?} is not an address: {e}"))?;
    let defaults = Config::default();
    let number = |name: &str, default: i64| -> Result<i64, String> {
        env(name).map_or(Ok(default), |v| {
            v.parse().map_err(|e| format!("{name}={v:?}: {e}"))
        })
    };
    let most = lianjie_server::SAVE_TALLIES_AT_MOST_EVERY.as_secs();
    let save_every = number(
        "LIANJIE_SAVE_TALLIES_EVERY",
        i64::try_from(defaults.save_tallies_every.as_secs()).unwrap_or(0),
    )?;
    let save_every = u64::try_from(save_every)
        .ok()
        .filter(|s| (1..=most).contains(s))
        .ok_or_else(|| {
            format!(
                "LIANJIE_SAVE_TALLIES_EVERY={save_every}: seconds from 1 to {most}, so that a \
                 start after a crash can bring the last save up"
            )
        })?;
    Ok((
        addr,
        Config {
            database_url: env("LIANJIE_DATABASE_URL")
                .or_else(|| env("LIANJIE_DB"))
                .unwrap_or(defaults.database_url),
            dist: env("LIANJIE_DIST").map(Into::into),
            cors_origins: env("LIANJIE_CORS_ORIGINS")
                .map(|v| {
                    v.split(',')
                        .map(|o| o.trim().to_owned())
                        .filter(|o| !o.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            session_hours: number("LIANJIE_SESSION_HOURS", defaults.session_hours)?,
            public_rate_per_sec: u32::try_from(number(
                "LIANJIE_PUBLIC_RATE",
                defaults.public_rate_per_sec.into(),
            )?)
            .map_err(|e| format!("LIANJIE_PUBLIC_RATE: {e}"))?,
            // Port 0 (any free port) is not known yet: the bound one is filled in.
            public_url: env("LIANJIE_PUBLIC_URL")
                .map(|u| u.trim_end_matches('/').to_owned())
                .unwrap_or_default(),
            trusted_proxies: env("LIANJIE_TRUSTED_PROXIES")
                .map(|v| lianjie_server::client_addr::parse_list(&v))
                .transpose()
                .map_err(|e| format!("LIANJIE_TRUSTED_PROXIES: {e}"))?
                .unwrap_or_default(),
            event_retention_days: u32::try_from(number(
                "LIANJIE_EVENT_RETENTION_DAYS",
                defaults.event_retention_days.into(),
            )?)
            .map_err(|e| format!("LIANJIE_EVENT_RETENTION_DAYS: {e}"))?,
            demo: matches!(env("LIANJIE_DEMO").as_deref(), Some("1" | "true" | "yes")),
            demo_password: env("LIANJIE_DEMO_PASSWORD").unwrap_or(defaults.demo_password),
            admin_email: env("LIANJIE_ADMIN_EMAIL").unwrap_or(defaults.admin_email),
            admin_password: env("LIANJIE_ADMIN_PASSWORD"),
            login_per_minute: u32::try_from(number(
                "LIANJIE_LOGIN_RATE",
                defaults.login_per_minute.into(),
            )?)
            .map_err(|e| format!("LIANJIE_LOGIN_RATE: {e}"))?,
            views_per_hour: u32::try_from(number(
                "LIANJIE_VIEW_RATE",
                defaults.views_per_hour.into(),
            )?)
            .map_err(|e| format!("LIANJIE_VIEW_RATE: {e}"))?,
            reader_links_per_hour: u32::try_from(number(
                "LIANJIE_READER_LINK_RATE",
                defaults.reader_links_per_hour.into(),
            )?)
            .map_err(|e| format!("LIANJIE_READER_LINK_RATE: {e}"))?,
            snooze_check_every: defaults.snooze_check_every,
            save_tallies_every: std::time::Duration::from_secs(save_every),
        },
    ))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (addr, mut config) = config()?;
    let db = lianjie_server::storage::Dialect::of(&config.database_url).0;
    // A PostgreSQL URL may carry a password: name only where it points.
    let db = db.rsplit('@').next().unwrap_or(&db).to_owned();
    let listener = tokio::net::TcpListener::bind(addr).await?;
    if config.public_url.is_empty() {
        config.public_url = format!("http://{}", listener.local_addr()?);
    }
    // Heard from before the address is printed: whoever reads it may stop us at once.
    let stop_asked = stop_asked();
    let (app, saver) = lianjie_server::build_app(config).await?;
    println!(
        "lianjie-server listening on http://{} (database {db})",
        listener.local_addr()?
    );
    let stopping = std::sync::Arc::new(tokio::sync::Notify::new());
    let stop = stopping.clone();
    let serve = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        stop_asked.await;
        stop.notify_one();
    });
    tokio::select! {
        served = serve => served?,
        // Event streams never end of themselves: they are cut after a grace.
        () = async {
            stopping.notified().await;
            tokio::time::sleep(STOP_GRACE).await;
        } => {}
    }
    // No request runs any more; what the writer still holds commits first. A
    // writer stuck on a database gone away would hold the stop: not for long.
    if tokio::time::timeout(SAVE_LIMIT, saver.save())
        .await
        .is_err()
    {
        eprintln!("the tallies were not saved in {SAVE_LIMIT:?}: the next start counts the views");
    }
    Ok(())
}

/// How long a stopping server waits for its tallies to be saved.
const SAVE_LIMIT: std::time::Duration = std::time::Duration::from_secs(20);

/// How long a stopping server lets its requests finish.
const STOP_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

/// Ctrl-C, or SIGTERM (what a service manager or container runtime sends), listened
/// for from the moment this is called: a signal before then ends the process
/// unsaved.
fn stop_asked() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let signals = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        );
        async move {
            match signals {
                (Ok(mut term), Ok(mut interrupt)) => {
                    tokio::select! {
                        _ = term.recv() => {}
                        _ = interrupt.recv() => {}
                    }
                }
                _ => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}
