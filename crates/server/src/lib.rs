//! Lianjie's reference backend. `router()` builds the whole HTTP surface so tests can
//! serve it on an ephemeral loopback port exactly as `main` does.

use axum::{Json, Router, routing::get};
use serde::Serialize;

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Health {
    pub status: &'static str,
    pub version: &'static str,
}

async fn health() -> Json<Health> {
    Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
    })
}

pub fn router() -> Router {
    Router::new().route("/api/v1/health", get(health))
}
