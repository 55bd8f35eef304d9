use super::*;
use lianjie::components::ContentBlocks;
use lianjie_core::content::{Block, BlockBody};

fn block(id: &str, body: BlockBody) -> Block {
    Block {
        id: id.into(),
        tags: vec![],
        body,
    }
}

#[wasm_bindgen_test]
async fn text_stays_text_and_unsafe_links_are_dropped() {
    let root = fresh_container();
    let blocks = vec![
        block(
            "p1",
            BlockBody::Paragraph {
                text: "<img src=x onerror=alert(1)>你好".into(),
            },
        ),
        block(
            "c1",
            BlockBody::Cta {
                label: "Evil".into(),
                url: "javascript:alert(1)".into(),
            },
        ),
        block(
            "c2",
            BlockBody::Cta {
                label: "Book".into(),
                url: "/chat/demo".into(),
            },
        ),
        block(
            "l1",
            BlockBody::List {
                ordered: true,
                items: vec!["一".into(), "二".into()],
            },
        ),
    ];
    let _mounted = leptos::mount::mount_to(
        root.clone(),
        move || view! { <ContentBlocks blocks=blocks.clone() /> },
    );
    settle().await;

    assert!(
        root.query_selector("img").unwrap().is_none(),
        "no element from text"
    );
    let p = root.query_selector("#b-p1 p").unwrap().unwrap();
    assert_eq!(
        p.text_content().unwrap(),
        "<img src=x onerror=alert(1)>你好"
    );
    assert!(
        root.query_selector("#b-c1 a").unwrap().is_none(),
        "javascript: link not rendered"
    );
    let good = root.query_selector("#b-c2 a").unwrap().unwrap();
    assert_eq!(good.get_attribute("href").as_deref(), Some("/chat/demo"));
    assert_eq!(root.query_selector_all("#b-l1 ol li").unwrap().length(), 2);
    assert_eq!(
        root.query_selector_all("section[data-block]")
            .unwrap()
            .length(),
        4
    );
    root.remove();
}
