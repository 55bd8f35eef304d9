//! The server's integration tests, one binary for all of them: each module is
//! one area, and linking a single binary keeps the build's time and disk use
//! down (every test binary links sqlx, axum and the server whole).

mod common;

mod adapters;
mod api;
mod app_pages;
mod customers;
mod durability;
mod email;
mod events;
mod inbox;
mod instances;
mod limits;
mod model;
mod permissions;
mod plans;
mod public_fields;
mod restarts;
mod scopes;
mod sharing;
mod sign_in;
mod sms;
mod tracking_integrity;
mod wechat;
mod wecom;
