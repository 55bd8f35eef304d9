//! The workbench's pages, fetched by area the first time one of them is shown (see
//! `crate::split`): the first visit downloads the shell and the area it opens, not
//! every page. Areas, not pages: code two areas share is a module of its own, so each
//! more split means more, smaller requests.

use crate::pages::*;
use crate::split::split_fn;
use leptos::prelude::*;

split_fn!(
    home,
    pub fn dashboard() -> ViewFn {
        ViewFn::from(|| view! { <Dashboard /> })
    }
);
split_fn!(
    content,
    pub fn my_card() -> ViewFn {
        ViewFn::from(|| view! { <MyCard /> })
    }
);
split_fn!(
    content,
    pub fn content_library() -> ViewFn {
        ViewFn::from(|| view! { <ContentLibrary /> })
    }
);
split_fn!(
    content,
    pub fn content_editor() -> ViewFn {
        ViewFn::from(|| view! { <ContentEditor /> })
    }
);
split_fn!(
    content,
    pub fn content_analytics() -> ViewFn {
        ViewFn::from(|| view! { <ContentAnalyticsPage /> })
    }
);
split_fn!(
    radar,
    pub fn lead_radar() -> ViewFn {
        ViewFn::from(|| view! { <LeadRadar /> })
    }
);
split_fn!(
    crm,
    pub fn customers() -> ViewFn {
        ViewFn::from(|| view! { <Customers /> })
    }
);
split_fn!(
    crm,
    pub fn tasks() -> ViewFn {
        ViewFn::from(|| view! { <Tasks /> })
    }
);
split_fn!(
    boards,
    pub fn leaderboard() -> ViewFn {
        ViewFn::from(|| view! { <LeaderboardPage /> })
    }
);
split_fn!(
    boards,
    pub fn team_board() -> ViewFn {
        ViewFn::from(|| view! { <TeamBoardPage /> })
    }
);
split_fn!(
    crm,
    pub fn public_pool() -> ViewFn {
        ViewFn::from(|| view! { <PublicPool /> })
    }
);
split_fn!(
    crm,
    pub fn pipeline() -> ViewFn {
        ViewFn::from(|| view! { <Pipeline /> })
    }
);
split_fn!(
    crm,
    pub fn contact_profile() -> ViewFn {
        ViewFn::from(|| view! { <ContactProfile /> })
    }
);
split_fn!(
    inbox,
    pub fn inbox() -> ViewFn {
        ViewFn::from(|| view! { <Inbox /> })
    }
);
split_fn!(
    inbox,
    pub fn channel_simulator() -> ViewFn {
        ViewFn::from(|| view! { <ChannelSimulator /> })
    }
);
split_fn!(
    settings,
    pub fn settings() -> ViewFn {
        ViewFn::from(|| view! { <Settings /> })
    }
);
split_fn!(
    settings,
    pub fn team_settings() -> ViewFn {
        ViewFn::from(|| view! { <TeamSettings /> })
    }
);
split_fn!(
    settings,
    pub fn design_system() -> ViewFn {
        ViewFn::from(|| view! { <DesignSystem /> })
    }
);
split_fn!(
    settings,
    pub fn channel_adapters() -> ViewFn {
        ViewFn::from(|| view! { <ChannelAdapters /> })
    }
);
split_fn!(
    embedded_customer_pages,
    pub fn card_view() -> ViewFn {
        ViewFn::from(|| view! { <CardView /> })
    }
);
split_fn!(
    embedded_customer_pages,
    pub fn share_view() -> ViewFn {
        ViewFn::from(|| view! { <ShareView /> })
    }
);
split_fn!(
    embedded_customer_pages,
    pub fn web_chat() -> ViewFn {
        ViewFn::from(|| view! { <WebChat /> })
    }
);
