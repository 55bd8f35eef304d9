use leptos::prelude::*;
use qrcode::{Color, QrCode};

/// The dark modules of a QR code as one SVG path (one unit per module, a 4-module
/// quiet zone around), or `None` if the text is too long for a QR code.
pub fn qr_path(text: &str) -> Option<(usize, String)> {
    const QUIET: usize = 4;
    let code = QrCode::new(text.as_bytes()).ok()?;
    let width = code.width();
    let mut d = String::new();
    for (i, color) in code.to_colors().into_iter().enumerate() {
        if color == Color::Dark {
            let (x, y) = (i % width + QUIET, i / width + QUIET);
            d.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    Some((width + 2 * QUIET, d))
}

/// A QR code drawn in the page (no network, no image service), for scanning a link
/// from a phone.
#[component]
pub fn QrCodeImage(text: String, #[prop(into)] label: Signal<String>) -> impl IntoView {
    qr_path(&text).map(|(size, d)| {
        view! {
            <svg
                class="qr"
                role="img"
                aria-label=label
                viewBox=format!("0 0 {size} {size}")
                shape-rendering="crispEdges"
            >
                <rect width="100%" height="100%" fill="#fff"></rect>
                <path d=d fill="#000"></path>
            </svg>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_link_fits_a_small_code_and_nonsense_length_is_refused() {
        let (size, d) =
            qr_path("https://lianjie.example/s/0123456789abcdef0123456789abcdef").unwrap();
        // Version 3 or 4 (29 or 33 modules) plus the quiet zone.
        assert!((29 + 8..=33 + 8).contains(&size), "{size}");
        // The three finder patterns alone are 3 x 33 dark modules.
        assert!(d.matches('M').count() > 99);
        assert!(qr_path(&"x".repeat(5000)).is_none());
    }
}
