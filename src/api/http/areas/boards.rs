//! The boards' calls: the leaderboard and the team board.

use crate::api::ApiFuture;
use crate::api::http::HttpBackend;
use crate::api::http::query::{Params, board_query_string};
use crate::split::split_fn;
use lianjie_core::leaderboard::{BoardQuery, Leaderboard};
use lianjie_core::oversight::{TeamBoard, TeamQuery};

split_fn!(
    boards,
    pub fn leaderboard(api: HttpBackend, query: BoardQuery) -> ApiFuture<Leaderboard> {
        api.get(format!("/leaderboard?{}", board_query_string(&query)))
    }
);

split_fn!(
    boards,
    pub fn team_board(api: HttpBackend, query: TeamQuery) -> ApiFuture<TeamBoard> {
        api.get(format!(
            "/team/board?{}",
            Params::default()
                .maybe("department", query.department.as_deref())
                .joined()
        ))
    }
);
