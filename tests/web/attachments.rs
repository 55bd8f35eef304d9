use super::*;
use lianjie::components::AttachmentList;
use lianjie_core::inbox::Attachment;

#[component]
fn Harness(attachments: Vec<Attachment>) -> impl IntoView {
    provide_i18n();
    view! { <AttachmentList attachments /> }
}

#[wasm_bindgen_test]
async fn outside_images_are_links_and_addresses_leaving_the_site_are_text() {
    storage().set_item(STORAGE_KEY, "en").unwrap();
    let root = fresh_container();
    let image = |url: &str, name: &str| Attachment {
        url: url.into(),
        name: name.into(),
        is_image: true,
    };
    let attachments = vec![
        image("https://tracker.example/pixel.png", "pixel.png"),
        image("/media/quote.png", "quote.png"),
        image("/\\evil.example/x.png", "slash.png"),
        image("//evil.example/x.png", "double.png"),
    ];
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        view! { <Harness attachments=attachments.clone() /> }
    });
    settle().await;

    // Only the image this site serves is loaded; the outside one is a link.
    let images = root.query_selector_all("img").unwrap();
    assert_eq!(images.length(), 1, "{}", root.inner_html());
    let img: web_sys::Element = images.item(0).unwrap().unchecked_into();
    assert_eq!(
        img.get_attribute("src").as_deref(),
        Some("/media/quote.png")
    );
    let links = root.query_selector_all("a").unwrap();
    assert_eq!(links.length(), 2, "{}", root.inner_html());
    let outside: web_sys::Element = links.item(0).unwrap().unchecked_into();
    assert_eq!(
        outside.get_attribute("href").as_deref(),
        Some("https://tracker.example/pixel.png")
    );
    assert_eq!(outside.text_content().unwrap(), "Image: pixel.png");
    assert_eq!(
        outside.get_attribute("referrerpolicy").as_deref(),
        Some("no-referrer")
    );
    // Addresses a browser would read as another host are no link at all.
    let text = root.text_content().unwrap();
    assert!(text.contains("Image: slash.png") && text.contains("Image: double.png"));
    root.remove();
}
