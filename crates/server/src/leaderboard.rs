//! The leaderboard (排行榜) over HTTP; core computes it (`lianjie_core::leaderboard`).

use crate::error::ApiResult;
use crate::extract::{Query, Staff};
use axum::Json;
use chrono::Utc;
use lianjie_core::leaderboard::{BoardQuery, Leaderboard};

pub async fn board(staff: Staff, Query(q): Query<BoardQuery>) -> ApiResult<Json<Leaderboard>> {
    Ok(Json(staff.tenant.read(|db| {
        db.leaderboard(&staff.caller, &q, Utc::now())
    })?))
}
