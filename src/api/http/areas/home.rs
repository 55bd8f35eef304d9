//! Home's calls: the radar, today, the leaderboard and the team board.

use crate::api::ApiFuture;
use crate::api::http::HttpBackend;
use crate::api::http::query::{Params, board_query_string};
use crate::split::split_fn;
use lianjie_core::api::{RadarItem, Today};
use lianjie_core::crm::{Task, TaskFromReading};
use lianjie_core::leaderboard::{BoardQuery, Leaderboard};
use lianjie_core::oversight::{TeamBoard, TeamQuery};

split_fn!(
    home,
    pub fn radar(api: HttpBackend) -> ApiFuture<Vec<RadarItem>> {
        api.get("/radar".into())
    }
);

split_fn!(
    home,
    pub fn today(api: HttpBackend) -> ApiFuture<Today> {
        api.get("/today".into())
    }
);

split_fn!(
    home,
    pub fn task_from_reading(api: HttpBackend, from: TaskFromReading) -> ApiFuture<Task> {
        let key = from.id.clone();
        api.write("POST", "/tasks/from-reading".into(), from, Some(key))
    }
);

split_fn!(
    home,
    pub fn leaderboard(api: HttpBackend, query: BoardQuery) -> ApiFuture<Leaderboard> {
        api.get(format!("/leaderboard?{}", board_query_string(&query)))
    }
);

split_fn!(
    home,
    pub fn team_board(api: HttpBackend, query: TeamQuery) -> ApiFuture<TeamBoard> {
        api.get(format!(
            "/team/board?{}",
            Params::default()
                .maybe("department", query.department.as_deref())
                .joined()
        ))
    }
);
