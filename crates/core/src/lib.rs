//! Lianjie's pure domain: types shared by the app and the server, and the rules that
//! act on them. Nothing here touches the web or a database, so all of it is tested
//! natively with `cargo test`.

pub mod ids;
pub mod locale;

pub use locale::Locale;
