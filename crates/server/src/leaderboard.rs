//! The leaderboard (排行榜) and the team board over HTTP; core computes both
//! (`lianjie_core::leaderboard`, `lianjie_core::oversight`).

use crate::error::ApiResult;
use crate::extract::{Query, Staff};
use axum::Json;
use chrono::Utc;
use lianjie_core::leaderboard::{BoardQuery, Leaderboard};
use lianjie_core::oversight::{TeamBoard, TeamQuery};

pub async fn board(staff: Staff, Query(q): Query<BoardQuery>) -> ApiResult<Json<Leaderboard>> {
    Ok(Json(staff.tenant.read(|db| {
        db.leaderboard(&staff.caller, &q, Utc::now())
    })?))
}

pub async fn team(staff: Staff, Query(q): Query<TeamQuery>) -> ApiResult<Json<TeamBoard>> {
    Ok(Json(
        staff
            .tenant
            .read(|db| db.team_board(&staff.caller, &q, Utc::now()))?,
    ))
}
