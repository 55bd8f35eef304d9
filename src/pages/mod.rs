//! One module per route.

mod card_view;
mod channel_adapters;
mod channel_simulator;
mod contact_profile;
mod content_analytics;
mod content_editor;
mod content_library;
mod crm_settings;
mod customers;
mod dashboard;
mod design_system;
mod inbox;
mod lead_radar;
mod leaderboard;
mod my_card;
mod not_found;
mod pipeline;
mod pool;
mod pool_settings;
mod settings;
mod share_view;
mod tasks;
mod team_board;
mod team_settings;
mod web_chat;

pub use card_view::CardView;
pub use channel_adapters::ChannelAdapters;
pub use channel_simulator::ChannelSimulator;
pub use contact_profile::ContactProfile;
pub use content_analytics::ContentAnalyticsPage;
pub use content_editor::ContentEditor;
pub use content_library::ContentLibrary;
pub use customers::Customers;
pub use dashboard::Dashboard;
pub use design_system::DesignSystem;
pub use inbox::Inbox;
pub use lead_radar::LeadRadar;
pub use leaderboard::LeaderboardPage;
pub use my_card::MyCard;
pub use not_found::NotFound;
pub use pipeline::Pipeline;
pub use pool::PublicPool;
pub use settings::Settings;
pub use share_view::ShareView;
pub use tasks::Tasks;
pub use team_board::TeamBoardPage;
pub use team_settings::TeamSettings;
pub use web_chat::WebChat;

use crate::components::use_address;
use crate::error::AppError;
use leptos::prelude::*;

/// A query parameter kept in step with the page (filters that should survive a
/// reload and can be shared), replacing the history entry rather than adding one per
/// keystroke.
fn use_query_param(key: &'static str) -> (Memo<Option<String>>, SignalSetter<Option<String>>) {
    leptos_router::hooks::query_signal_with_options::<String>(
        key,
        leptos_router::NavigateOptions {
            replace: true,
            scroll: false,
            ..Default::default()
        },
    )
}

/// A route parameter that must be a public id (a contact, a content item); a malformed
/// one is reported as "not found" through the page's error boundary.
fn use_public_id(param: &'static str) -> Memo<Result<String, AppError>> {
    let params = leptos_router::hooks::use_params_map();
    Memo::new(move |_| params.with(|p| checked_id(&p.get(param).unwrap_or_default())))
}

/// The id in a customer page's address, read without the router (the slim build
/// has none).
fn use_customer_page_id() -> Memo<Result<String, AppError>> {
    let raw = use_address().page_id();
    Memo::new(move |_| raw.with(|raw| checked_id(raw)))
}

fn checked_id(raw: &str) -> Result<String, AppError> {
    Ok(lianjie_core::ids::parse_public_id(raw)?.to_owned())
}
