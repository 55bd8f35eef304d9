//! Lianjie's pure domain: the types the API carries (shared by the app and the
//! server) and the rules that act on them. Nothing here touches the web or a database,
//! so all of it is tested natively with `cargo test`.

pub mod adapter;
pub mod analytics;
pub mod api;
pub mod catalogue;
pub mod channel;
pub mod contact;
pub mod content;
pub mod crm;
pub mod customer_csv;
pub mod customers;
pub mod deals;
pub mod delivery;
pub mod demo;
pub mod first_paint;
pub mod format;
pub mod ids;
pub mod inbox;
pub mod intent;
pub mod leaderboard;
pub mod link;
pub mod locale;
pub mod mailbox;
pub mod markdown;
pub mod oversight;
mod packed;
pub mod people;
pub mod playbook;
pub mod pool;
pub mod public;
pub mod reading_clock;
pub mod scope;
pub mod share;
pub mod sms_gateway;
// The server's start only: in the wasm its bytes would outweigh what it saves.
#[cfg(not(target_arch = "wasm32"))]
pub mod stamp;
pub mod store;
pub mod team;
pub mod tracking;
pub mod validate;
pub mod vcard;
pub mod weights;
mod wire;

pub use channel::Channel;
pub use locale::Locale;
