//! Reusable view pieces, each named after what it shows.

mod card_face;
mod content_blocks;
mod customer_layout;
mod draft_notice;
mod error_view;
mod guarded_outlet;
mod language_switcher;
mod lead_alerts;
mod lead_form;
mod loading;
mod page_header;
mod qr_code;
mod share_link;
mod sign_in_form;
pub mod staff_layout;
mod stat_list;
mod toasts;

pub use card_face::{CardFace, CardHandlers, theme_slug};
pub use content_blocks::ContentBlocks;
pub use customer_layout::{CustomerLayout, first_paint_done};
pub use draft_notice::{Draft, DraftNotice, use_draft};
pub use error_view::ErrorView;
pub use guarded_outlet::GuardedOutlet;
pub use language_switcher::LanguageSwitcher;
pub use lead_alerts::{LeadAlerts, NotificationSwitch};
pub use lead_form::LeadForm;
pub use loading::Loading;
pub use page_header::{PageHeader, use_page_title};
pub use qr_code::{QrCodeImage, qr_path};
pub use share_link::ShareLink;
pub use sign_in_form::SignInForm;
pub use staff_layout::StaffLayout;
pub use stat_list::{StatList, StatValue};
pub use toasts::{Toast, ToastHost, ToastKind, Toasts, use_toasts};
