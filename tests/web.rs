//! Browser tests (wasm-bindgen-test in headless Chromium): real components mounted
//! into the document and driven through their buttons, as a person would.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use leptos_router::components::Router;
use lianjie::App;
use lianjie::components::{LanguageSwitcher, ToastHost, Toasts};
use lianjie::i18n::{Msg, STORAGE_KEY, provide_i18n, use_i18n};
use lianjie_core::Locale;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn fresh_container() -> web_sys::HtmlElement {
    let doc = document();
    let el: web_sys::HtmlElement = doc.create_element("div").unwrap().unchecked_into();
    doc.body().unwrap().append_child(&el).unwrap();
    el
}

fn storage() -> web_sys::Storage {
    window().local_storage().unwrap().unwrap()
}

/// The button inside `root` whose text (its accessible name here) is `name`.
fn button(root: &web_sys::HtmlElement, name: &str) -> web_sys::HtmlElement {
    let all = root.query_selector_all("button").unwrap();
    (0..all.length())
        .filter_map(|i| all.item(i))
        .find(|b| b.text_content().unwrap_or_default().trim() == name)
        .unwrap_or_else(|| panic!("no button named {name:?} in {}", root.inner_html()))
        .unchecked_into()
}

async fn settle() {
    for _ in 0..3 {
        leptos::task::tick().await;
    }
}

#[component]
fn LanguageHarness() -> impl IntoView {
    provide_i18n();
    let i18n = use_i18n();
    view! {
        <Router>
            <h1>{move || i18n.t(Msg::NavInbox)}</h1>
            <LanguageSwitcher />
        </Router>
    }
}

#[wasm_bindgen_test]
async fn language_switch_changes_text_and_is_remembered() {
    storage().set_item(STORAGE_KEY, "zh").unwrap();
    let root = fresh_container();
    let _mounted = leptos::mount::mount_to(root.clone(), LanguageHarness);
    settle().await;

    let heading = root.query_selector("h1").unwrap().unwrap();
    assert_eq!(
        heading.text_content().unwrap(),
        Msg::NavInbox.text(Locale::ZhCn)
    );
    assert_eq!(
        button(&root, "中文")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("true")
    );

    button(&root, "English").click();
    settle().await;

    assert_eq!(heading.text_content().unwrap(), "Inbox");
    assert_eq!(
        button(&root, "English")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("true")
    );
    assert_eq!(
        button(&root, "中文")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("false")
    );
    assert_eq!(
        storage().get_item(STORAGE_KEY).unwrap().as_deref(),
        Some("en")
    );
    let html = document().document_element().unwrap();
    assert_eq!(html.get_attribute("lang").as_deref(), Some("en"));
    root.remove();
}

#[wasm_bindgen_test]
async fn error_toast_offers_retry_that_runs_once_and_dismisses() {
    storage().set_item(STORAGE_KEY, "en").unwrap();
    let root = fresh_container();
    let toasts = RwSignal::new(None::<Toasts>);
    let retried = RwSignal::new(0);
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        provide_i18n();
        let service = Toasts::new();
        provide_context(service);
        toasts.set(Some(service));
        view! { <ToastHost /> }
    });
    settle().await;
    let service = toasts.get_untracked().unwrap();
    service.error(
        "Could not save",
        Some(Callback::new(move |()| retried.update(|n| *n += 1))),
    );
    settle().await;

    let alert = root
        .query_selector("[role=alert]")
        .unwrap()
        .expect("an alert toast");
    assert!(alert.text_content().unwrap().contains("Could not save"));
    button(&root, "Retry").click();
    settle().await;

    assert_eq!(retried.get_untracked(), 1);
    assert!(service.is_empty());
    assert!(root.query_selector("[role=alert]").unwrap().is_none());
    root.remove();
}

#[wasm_bindgen_test]
async fn whole_app_mounts_with_navigation() {
    storage().set_item(STORAGE_KEY, "en").unwrap();
    let root = fresh_container();
    let _mounted = leptos::mount::mount_to(root.clone(), App);
    settle().await;

    let nav = root
        .query_selector("nav")
        .unwrap()
        .expect("main navigation");
    assert_eq!(
        nav.get_attribute("aria-label").as_deref(),
        Some("Main navigation")
    );
    let links = nav.query_selector_all("a").unwrap();
    assert_eq!(links.length(), 6);
    root.remove();
}

mod local_backend {
    use super::*;
    use lianjie::api::local::{
        BACKUP_KEY, LEGACY_KEY, LocalBackend, OpenNote, UNREADABLE, decode, random_token,
    };
    use lianjie::api::{Api, PublicApi};
    use lianjie_core::api::{Event, NewShare};
    use lianjie_core::share::ShareTarget;
    use lianjie_core::tracking::{Snapshot, ViewTotals};
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::JsValue;

    /// A database of its own for each test.
    fn fresh_name() -> String {
        format!("test-{}", random_token())
    }

    /// Writes `doc` under `kind`/`key` straight into the database, as a damaged or
    /// older record would be found.
    async fn raw_db(name: &str) -> idb::Database {
        idb::Factory::new()
            .unwrap()
            .open(name, None)
            .unwrap()
            .await
            .unwrap()
    }

    async fn put_raw(name: &str, kind: &str, key: &str, doc: &str) {
        let db = raw_db(name).await;
        let tx = db
            .transaction(&[kind], idb::TransactionMode::ReadWrite)
            .unwrap();
        tx.object_store(kind)
            .unwrap()
            .put(&JsValue::from_str(doc), Some(&JsValue::from_str(key)))
            .unwrap();
        tx.commit().unwrap().await.unwrap();
        db.close();
    }

    async fn get_raw(name: &str, kind: &str, key: &str) -> Option<String> {
        let db = raw_db(name).await;
        let tx = db
            .transaction(&[kind], idb::TransactionMode::ReadOnly)
            .unwrap();
        let value = tx
            .object_store(kind)
            .unwrap()
            .get(JsValue::from_str(key))
            .unwrap()
            .await
            .unwrap();
        db.close();
        value.and_then(|v| v.as_string())
    }

    #[wasm_bindgen_test]
    async fn seeds_then_persists_changes_across_reopen() {
        let name = fresh_name();
        let first = LocalBackend::open_named(&name);
        assert_eq!(first.opened().await, OpenNote::Seeded);
        let mut card = first.card("li-na".into()).await.unwrap();
        card.title = "首席顾问".into();
        first.save_card(card).await.unwrap();

        let second = LocalBackend::open_named(&name);
        assert_eq!(second.opened().await, OpenNote::Loaded);
        assert_eq!(second.card("li-na".into()).await.unwrap().title, "首席顾问");
        assert_eq!(
            second.contacts().await.unwrap().len(),
            lianjie_core::demo::CONTACTS
        );
    }

    #[wasm_bindgen_test]
    async fn calls_made_while_loading_wait_for_the_data() {
        let backend = LocalBackend::open_named(&fresh_name());
        // Not awaited `opened()` first: the call itself waits.
        assert_eq!(backend.users().await.unwrap().len(), 5);
    }

    #[wasm_bindgen_test]
    async fn a_write_in_one_instance_is_seen_by_another_like_a_second_tab() {
        let name = fresh_name();
        let rep = LocalBackend::open_named(&name);
        let customer = LocalBackend::open_named(&name);
        rep.opened().await;
        let share = rep
            .create_share(NewShare {
                target: ShareTarget::Content("c-pricing".into()),
                contact_id: Some("k-000".into()),
                channel: None,
                lead_capture: Default::default(),
            })
            .await
            .unwrap();
        assert_eq!(share.token.len(), 32, "128-bit token");
        // The customer's tab learns of the new link from the rep's change, which
        // reaches it as a message on the database's channel.
        customer.opened().await;
        let seen: Rc<RefCell<Vec<Event>>> = Rc::default();
        let sink = seen.clone();
        let _sub = rep.subscribe(Rc::new(move |e: &Event| sink.borrow_mut().push(e.clone())));

        let mut opened = customer.open_share(share.token.clone(), None).await;
        for _ in 0..100 {
            if opened.is_ok() {
                break;
            }
            gloo_timers::future::TimeoutFuture::new(10).await;
            opened = customer.open_share(share.token.clone(), None).await;
        }
        let opened = opened.expect("the share reached the other instance");
        assert_eq!(opened.content.unwrap().id, "c-pricing");
        customer
            .track(Snapshot {
                session_id: "sess1".into(),
                share_token: share.token.clone(),
                seq: 1,
                totals: ViewTotals {
                    visible_ms: 42_000,
                    max_scroll_pct: 60,
                    ..Default::default()
                },
                reader_token: Some(opened.child_token.clone()),
            })
            .await
            .unwrap();
        for _ in 0..100 {
            if !seen.borrow().is_empty() {
                break;
            }
            gloo_timers::future::TimeoutFuture::new(10).await;
        }
        let radar = rep.radar().await.unwrap();
        assert_eq!(radar.len(), 1);
        assert_eq!(radar[0].visible_ms, 42_000);
        assert!(
            matches!(seen.borrow().first(), Some(Event::Radar { .. })),
            "{:?}",
            seen.borrow()
        );
        // And both survive a reload from the database.
        let reopened = LocalBackend::open_named(&name);
        assert_eq!(reopened.radar().await.unwrap().len(), 1);
    }

    #[wasm_bindgen_test]
    async fn an_unreadable_record_is_kept_aside_and_the_rest_loads() {
        let name = fresh_name();
        LocalBackend::open_named(&name).opened().await;
        put_raw(&name, "contacts", "k-bad", "{\"broken\"").await;
        // Messages load after the rest; one of them damaged is kept aside as well.
        put_raw(&name, "messages", "m-bad", "[]").await;
        let backend = LocalBackend::open_named(&name);
        assert!(matches!(backend.opened().await, OpenNote::Recovered(_)));
        assert_eq!(
            get_raw(&name, UNREADABLE, "messages/m-bad")
                .await
                .as_deref(),
            Some("[]")
        );
        assert_eq!(
            backend.contacts().await.unwrap().len(),
            lianjie_core::demo::CONTACTS
        );
        assert_eq!(
            get_raw(&name, UNREADABLE, "contacts/k-bad")
                .await
                .as_deref(),
            Some("{\"broken\"")
        );
        assert_eq!(get_raw(&name, "contacts", "k-bad").await, None);
        // Once aside, the next start is clean.
        let again = LocalBackend::open_named(&name);
        assert_eq!(again.opened().await, OpenNote::Loaded);
    }

    #[wasm_bindgen_test]
    async fn data_earlier_versions_kept_in_local_storage_moves_in_or_is_backed_up() {
        let mut db = lianjie_core::demo::seed(chrono::Utc::now());
        db.cards.get_mut("li-na").unwrap().title = "旧版数据".into();
        let envelope = format!(
            "{{\"schema\":1,\"db\":{}}}",
            serde_json::to_string(&db).unwrap()
        );
        storage().set_item(LEGACY_KEY, &envelope).unwrap();
        let backend = LocalBackend::open_named(&fresh_name());
        assert_eq!(backend.opened().await, OpenNote::Loaded);
        assert_eq!(
            backend.card("li-na".into()).await.unwrap().title,
            "旧版数据"
        );
        assert_eq!(storage().get_item(LEGACY_KEY).unwrap(), None);

        storage().set_item(LEGACY_KEY, "{not json").unwrap();
        let backend = LocalBackend::open_named(&fresh_name());
        assert!(matches!(backend.opened().await, OpenNote::Recovered(_)));
        assert_eq!(
            storage().get_item(BACKUP_KEY).unwrap().as_deref(),
            Some("{not json")
        );
        assert!(backend.card("wang-lei".into()).await.is_ok());
        storage().remove_item(BACKUP_KEY).unwrap();

        assert!(
            decode("{\"schema\":99,\"db\":{}}")
                .unwrap_err()
                .contains("99")
        );
    }

    #[wasm_bindgen_test]
    async fn bad_input_is_a_typed_error_not_a_panic() {
        let backend = LocalBackend::open_named(&fresh_name());
        let mut card = backend.card("wang-lei".into()).await.unwrap();
        card.email = "not-an-email".into();
        let err = backend.save_card(card).await.unwrap_err();
        assert!(
            matches!(err, lianjie::error::AppError::Invalid(ref f) if f.get("email").is_some())
        );
        assert_eq!(
            backend.open_share("nope".into(), None).await.unwrap_err(),
            lianjie::error::AppError::NotFound
        );
    }

    #[wasm_bindgen_test]
    async fn a_demo_at_scale_replaces_the_data_and_reloads() {
        let name = fresh_name();
        let backend = LocalBackend::open_named(&name);
        backend.reset_demo(Some(300)).await.unwrap();
        let again = LocalBackend::open_named(&name);
        let page = again
            .conversations(lianjie_core::api::ConversationQuery {
                status: lianjie_core::api::StatusFilter::All,
                limit: Some(200),
                ..Default::default()
            })
            .await
            .unwrap()
            .page;
        assert_eq!(page.items.len(), 200);
        assert!(page.next_cursor.is_some());
        // The list answers before the messages are read; they follow.
        let thread = again
            .messages(page.items[0].id.clone(), None)
            .await
            .unwrap();
        assert_eq!(thread.total, lianjie_core::demo::SCALE_MESSAGES);
        backend.reset_demo(None).await.unwrap();
        assert_eq!(
            LocalBackend::open_named(&name)
                .contacts()
                .await
                .unwrap()
                .len(),
            lianjie_core::demo::CONTACTS
        );
    }
}

mod http_backend_decoding {
    use super::*;
    use gloo_net::http::Response;
    use lianjie::api::http::decode;
    use lianjie::error::AppError;
    use lianjie_core::people::Card;

    fn response(status: u16, body: &str) -> Response {
        let mut bytes = body.as_bytes().to_vec();
        // A 204 must not carry a body, so an empty one is "no body".
        let body = (!bytes.is_empty()).then_some(bytes.as_mut_slice());
        Response::builder().status(status).body(body).unwrap()
    }

    #[wasm_bindgen_test]
    async fn malformed_or_unexpected_responses_are_typed_errors() {
        let cases: [(u16, &str); 6] = [
            (200, "{\"id\": 42"),                   // truncated JSON
            (200, "<html>proxy login page</html>"), // not JSON at all
            (200, "{\"id\": \"x\"}"),               // JSON of the wrong shape
            (200, "[]"),                            // wrong type
            (502, "<html>Bad gateway</html>"),      // error without an envelope
            (200, ""),                              // empty where a card was due
        ];
        for (status, body) in cases {
            let err = decode::<Card>(response(status, body)).await.unwrap_err();
            assert!(
                matches!(err, AppError::Decode(_)),
                "{status} {body:?} gave {err:?}"
            );
        }
    }

    #[wasm_bindgen_test]
    async fn error_envelopes_map_to_their_meaning() {
        let envelope = |code: &str, fields: &str| {
            format!("{{\"error\":{{\"code\":\"{code}\",\"message\":\"m\",\"fields\":{fields}}}}}")
        };
        let invalid = decode::<Card>(response(
            422,
            &envelope("invalid", "[{\"field\":\"email\",\"code\":\"email\"}]"),
        ))
        .await;
        assert!(matches!(invalid, Err(AppError::Invalid(ref f)) if f.get("email").is_some()));
        let missing = decode::<Card>(response(404, &envelope("not_found", "[]"))).await;
        assert_eq!(missing.unwrap_err(), AppError::NotFound);
        let auth = decode::<Card>(response(401, &envelope("unauthorized", "[]"))).await;
        assert_eq!(auth.unwrap_err(), AppError::Unauthorized);
        let limited = decode::<Card>(response(429, &envelope("rate_limited", "[]"))).await;
        assert!(matches!(limited, Err(AppError::Server(429, _))));
        let ok = decode::<()>(response(204, "")).await;
        assert_eq!(ok, Ok(()));
    }
}

mod content_blocks {
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
}

mod tracker_storage {
    use super::*;
    use lianjie::tracker::{outbox, reader_links};
    use lianjie_core::tracking::{Snapshot, ViewTotals};

    fn snap(session: &str, seq: u32, visible_ms: u64) -> Snapshot {
        Snapshot {
            session_id: session.into(),
            share_token: "tok".into(),
            seq,
            totals: ViewTotals {
                visible_ms,
                ..Default::default()
            },
            reader_token: None,
        }
    }

    #[wasm_bindgen_test]
    fn outbox_keeps_the_newest_snapshot_per_session_until_acknowledged() {
        storage().remove_item("lianjie.track.outbox").unwrap();
        outbox::put(&snap("a", 1, 2_000));
        outbox::put(&snap("a", 3, 6_000));
        outbox::put(&snap("a", 2, 4_000)); // late and older: ignored
        outbox::put(&snap("b", 1, 3_000));
        let pending = outbox::pending();
        assert_eq!(pending.len(), 2);
        assert_eq!((pending[0].seq, pending[0].totals.visible_ms), (3, 6_000));
        // An acknowledgement of an older snapshot keeps the newer one waiting.
        outbox::acked(&snap("a", 2, 4_000));
        assert_eq!(outbox::pending().len(), 2);
        outbox::acked(&snap("a", 3, 6_000));
        assert_eq!(outbox::pending(), vec![snap("b", 1, 3_000)]);
        // Damaged storage reads as empty, never a panic.
        storage()
            .set_item("lianjie.track.outbox", "{not json")
            .unwrap();
        assert!(outbox::pending().is_empty());
        outbox::put(&snap("c", 1, 2_500));
        assert_eq!(outbox::pending().len(), 1);
        storage().remove_item("lianjie.track.outbox").unwrap();
    }

    #[wasm_bindgen_test]
    fn a_reader_coming_back_to_their_own_link_keeps_it() {
        storage().remove_item("lianjie.reader.links").unwrap();
        assert_eq!(reader_links::resolve("shared"), ("shared".into(), None));
        reader_links::remember("shared", "mine");
        // The link from the chat, or the reader's own address after a reload.
        let again = ("shared".to_owned(), Some("mine".to_owned()));
        assert_eq!(reader_links::resolve("shared"), again);
        assert_eq!(reader_links::resolve("mine"), again);
        assert!(!reader_links::lead_left("mine"));
        reader_links::remember_lead("mine");
        assert!(reader_links::lead_left("mine"));
        storage().remove_item("lianjie.reader.links").unwrap();
        storage().remove_item("lianjie.reader.leads").unwrap();
    }
}

#[component]
fn DraftHarness() -> impl IntoView {
    use lianjie::components::{DraftNotice, use_draft};
    provide_i18n();
    let draft = use_draft("lianjie.test.draft".to_owned(), "saved".to_owned());
    view! {
        <DraftNotice draft />
        <output>{move || draft.value.get()}</output>
        <button on:click=move |_| draft.value.set("edited".into())>"edit"</button>
    }
}

#[wasm_bindgen_test]
async fn a_draft_is_kept_restored_and_discarded() {
    storage().set_item(STORAGE_KEY, "en").unwrap();
    storage().remove_item("lianjie.test.draft").unwrap();
    let root = fresh_container();
    let first = leptos::mount::mount_to(root.clone(), DraftHarness);
    settle().await;
    assert!(root.query_selector("[role=status]").unwrap().is_none());
    button(&root, "edit").click();
    settle().await;
    assert_eq!(
        storage().get_item("lianjie.test.draft").unwrap().as_deref(),
        Some("\"edited\"")
    );
    drop(first);
    root.set_inner_html("");

    // A reload: the edit comes back, with a way to throw it away.
    let _second = leptos::mount::mount_to(root.clone(), DraftHarness);
    settle().await;
    let output = || {
        root.query_selector("output")
            .unwrap()
            .unwrap()
            .text_content()
    };
    assert_eq!(output().as_deref(), Some("edited"));
    button(&root, Msg::DiscardDraft.text(Locale::En)).click();
    settle().await;
    assert_eq!(output().as_deref(), Some("saved"));
    assert!(storage().get_item("lianjie.test.draft").unwrap().is_none());
}

#[component]
fn CardPreviewHarness() -> impl IntoView {
    use lianjie::components::CardFace;
    use lianjie_core::people::{Card, PhoneVisibility};
    provide_i18n();
    let card = Card {
        name: "Emily Chen".into(),
        title: "Account Executive".into(),
        phone: "13800138000".into(),
        wechat_id: "emily_c".into(),
        website: "javascript:alert(1)".into(),
        avatar_url: "javascript:alert(2)".into(),
        phone_visibility: PhoneVisibility::OnRequest,
        ..Card::default()
    };
    view! { <CardFace card=Signal::stored(card) featured=Signal::stored(Vec::new()) /> }
}

#[wasm_bindgen_test]
async fn card_preview_is_inert_and_keeps_private_and_unsafe_values_out() {
    storage().set_item(STORAGE_KEY, "en").unwrap();
    let root = fresh_container();
    let _mounted = leptos::mount::mount_to(root.clone(), CardPreviewHarness);
    settle().await;
    let html = root.inner_html();
    assert!(html.contains("Emily Chen"), "{html}");
    // Initials stand in for an unsafe photo address; the phone is on request only.
    assert_eq!(
        root.query_selector(".card-initials")
            .unwrap()
            .unwrap()
            .text_content()
            .as_deref(),
        Some("EC")
    );
    assert!(!html.contains("javascript:"), "{html}");
    assert!(!html.contains("13800138000"), "{html}");
    assert!(
        html.contains(Msg::PhoneOnRequest.text(Locale::En)),
        "{html}"
    );
    // The preview's links go nowhere.
    assert!(
        root.query_selector("a[href^='tel:'], a[href^='mailto:'], a[href^='data:']")
            .unwrap()
            .is_none()
    );
}
