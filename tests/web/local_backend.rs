//! The in-browser backend in a real browser: IndexedDB, other tabs, old data, and
//! each role's scope applied as the server applies it.

use super::*;
use lianjie::api::local::{
    BACKUP_KEY, LEGACY_KEY, LocalBackend, ME_KEY, OpenNote, UNREADABLE, decode, random_token,
};
use lianjie::api::{Api, PublicApi};
use lianjie::error::AppError;
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
    let mut card = first.card("wang-lei".into()).await.unwrap();
    card.title = "首席顾问".into();
    first.save_card(card).await.unwrap();

    let second = LocalBackend::open_named(&name);
    assert_eq!(second.opened().await, OpenNote::Loaded);
    assert_eq!(
        second.card("wang-lei".into()).await.unwrap().title,
        "首席顾问"
    );
    second.act_as("u-admin");
    assert_eq!(
        second.contacts().await.unwrap().len(),
        lianjie_core::demo::CONTACTS
    );
    assert_eq!(second.org().await.unwrap().id, lianjie_core::demo::ORG);
}

#[wasm_bindgen_test]
async fn calls_made_while_loading_wait_for_the_data() {
    let backend = LocalBackend::open_named(&fresh_name());
    // Not awaited `opened()` first: the call itself waits.
    assert_eq!(
        backend.users().await.unwrap().len(),
        lianjie_core::demo::seed(chrono::Utc::now()).users.len()
    );
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
    let snapshot = Snapshot {
        session_id: opened.session_id.clone(),
        share_token: share.token.clone(),
        seq: 1,
        totals: ViewTotals {
            visible_ms: 42_000,
            max_scroll_pct: 60,
            ..Default::default()
        },
        reader_token: Some(opened.child_token.clone()),
    };
    // Only the session the open issued is taken: a made-up one changes nothing.
    let forged = Snapshot {
        session_id: "made-up-session".into(),
        ..snapshot.clone()
    };
    assert_eq!(
        customer.track(forged).await.unwrap_err(),
        lianjie::error::AppError::NotFound
    );
    // The demo's history is on the radar already; this reading is not, yet.
    let before = rep.radar().await.unwrap();
    assert!(before.iter().all(|i| i.session_id != opened.session_id));
    customer.track(snapshot).await.unwrap();
    for _ in 0..100 {
        if !seen.borrow().is_empty() {
            break;
        }
        gloo_timers::future::TimeoutFuture::new(10).await;
    }
    let radar = rep.radar().await.unwrap();
    assert_eq!(radar.len(), before.len() + 1);
    // The newest reading comes first.
    assert_eq!(radar[0].session_id, opened.session_id);
    assert_eq!(radar[0].visible_ms, 42_000);
    assert!(
        matches!(seen.borrow().first(), Some(Event::Radar { .. })),
        "{:?}",
        seen.borrow()
    );
    // And both survive a reload from the database.
    let reopened = LocalBackend::open_named(&name);
    let radar = reopened.radar().await.unwrap();
    assert_eq!(radar.len(), before.len() + 1);
    assert_eq!(radar[0].session_id, opened.session_id);
    assert_eq!(radar[0].visible_ms, 42_000);
}

#[wasm_bindgen_test]
async fn an_unreadable_record_is_kept_aside_and_the_rest_loads() {
    let name = fresh_name();
    LocalBackend::open_named(&name).opened().await;
    put_raw(&name, "contacts", "k-bad", "{\"broken\"").await;
    // Messages load after the rest; one of them damaged is kept aside as well.
    put_raw(&name, "messages", "m-bad", "[]").await;
    let backend = LocalBackend::open_named(&name);
    backend.act_as("u-admin");
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
    assert!(matches!(err, lianjie::error::AppError::Invalid(ref f) if f.get("email").is_some()));
    assert_eq!(
        backend.open_share("nope".into(), None).await.unwrap_err(),
        lianjie::error::AppError::NotFound
    );
}

#[wasm_bindgen_test]
async fn a_demo_at_scale_replaces_the_data_and_reloads() {
    let name = fresh_name();
    let backend = LocalBackend::open_named(&name);
    // Resetting the demo is an admin's, here as on the server.
    assert_eq!(backend.reset_demo(None).await, Err(AppError::Forbidden));
    backend.act_as("u-admin");
    backend.reset_demo(Some(300)).await.unwrap();
    let again = LocalBackend::open_named(&name);
    again.act_as("u-admin");
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
    let reset = LocalBackend::open_named(&name);
    reset.act_as("u-admin");
    assert_eq!(
        reset.contacts().await.unwrap().len(),
        lianjie_core::demo::CONTACTS
    );
}

#[wasm_bindgen_test]
async fn each_role_acts_within_its_scope() {
    let backend = LocalBackend::open_named(&fresh_name());
    // The demo's rep: their own customers only, and only their own card.
    let mine = backend.contacts().await.unwrap();
    assert!(!mine.is_empty());
    assert!(
        mine.iter()
            .all(|c| c.owner_id.as_deref() == Some("u-wanglei"))
    );
    let card = backend.card("li-na".into()).await.unwrap();
    assert_eq!(backend.save_card(card).await, Err(AppError::Forbidden));
    assert_eq!(
        backend.contact("k-001".into()).await,
        Err(AppError::NotFound),
        "another rep's customer is not found"
    );
    // The agent: the inbox, but no radar.
    backend.act_as("u-zhaomin");
    assert_eq!(backend.radar().await, Err(AppError::Forbidden));
    assert!(
        backend
            .conversations(Default::default())
            .await
            .unwrap()
            .page
            .total
            > 0
    );
}

#[wasm_bindgen_test]
async fn an_admin_manages_staff_and_the_switcher_follows() {
    use lianjie_core::people::Role;
    use lianjie_core::team::{Deactivation, Department, NewStaff, StaffUpdate};
    let backend = LocalBackend::open_named(&fresh_name());
    let new = NewStaff {
        name: "周新".into(),
        email: "zhou-xin@lianjie.example".into(),
        role: Some(Role::Rep),
        department_id: Some("d-south".into()),
    };
    assert_eq!(
        backend.create_staff(new.clone()).await,
        Err(AppError::Forbidden)
    );
    backend.act_as("u-admin");
    let created = backend.create_staff(new.clone()).await.unwrap();
    assert_eq!(
        created.initial_password, None,
        "no passwords in the browser"
    );
    let id = created.user.id.clone();
    let taken = backend.create_staff(new).await.unwrap_err();
    assert!(matches!(taken, AppError::Invalid(ref f) if f.get("email").is_some()));
    let moved = backend
        .update_staff(
            id.clone(),
            StaffUpdate {
                role: Some(Role::Manager),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(moved.role, Role::Manager);

    // Acting as them is remembered; once deactivated they cannot be chosen.
    let other = LocalBackend::open_named(&fresh_name());
    assert_eq!(
        other.switch_user("nobody".into()).await,
        Err(AppError::NotFound)
    );
    backend
        .deactivate_staff(id.clone(), Deactivation { transfer_to: None })
        .await
        .unwrap();
    assert_eq!(
        backend.switch_user(id.clone()).await,
        Err(AppError::NotFound)
    );
    backend.reactivate_staff(id.clone()).await.unwrap();
    assert_eq!(backend.switch_user(id.clone()).await.unwrap().id, id);
    assert_eq!(
        storage().get_item(ME_KEY).unwrap(),
        Some(format!("\"{id}\""))
    );
    storage().remove_item(ME_KEY).unwrap();
    assert_eq!(backend.me().await.unwrap().id, id);
    assert_eq!(backend.sign_out().await, Err(AppError::Unsupported));

    // Departments: added, and an empty one deleted; one in use stays.
    backend.act_as("u-admin");
    let west = Department {
        id: "d-west".into(),
        name: "西部".into(),
        parent_id: Some("d-hq".into()),
    };
    backend.save_department(west).await.unwrap();
    assert!(backend.org().await.unwrap().department("d-west").is_some());
    assert!(matches!(
        backend.delete_department("d-east".into()).await,
        Err(AppError::Invalid(_))
    ));
    backend.delete_department("d-west".into()).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_database_from_before_organizations_opens_with_the_demo_organization() {
    let name = fresh_name();
    // Version 1: every store but `orgs`; staff without departments or managers.
    let mut open = idb::Factory::new().unwrap().open(&name, Some(1)).unwrap();
    open.on_upgrade_needed(|event| {
        use idb::DatabaseEvent as _;
        let db = event.database().unwrap();
        for kind in lianjie_core::store::Record::KINDS
            .into_iter()
            .filter(|k| *k != "orgs")
            .chain([UNREADABLE])
        {
            db.create_object_store(kind, idb::ObjectStoreParams::new())
                .unwrap();
        }
    });
    open.await.unwrap().close();
    let mut old = lianjie_core::demo::seed(chrono::Utc::now());
    old.users
        .retain(|u| u.role != lianjie_core::people::Role::Manager);
    for user in &old.users {
        let mut user = user.clone();
        user.department_id = None;
        let doc = serde_json::to_string(&user).unwrap();
        put_raw(&name, "users", &user.id, &doc).await;
    }

    let backend = LocalBackend::open_named(&name);
    assert_eq!(backend.opened().await, OpenNote::Loaded);
    assert_eq!(backend.org().await.unwrap().id, lianjie_core::demo::ORG);
    // The demo's managers are back, and stored for the next start.
    assert_eq!(
        backend.switch_user("u-chengang".into()).await.unwrap().id,
        "u-chengang"
    );
    storage().remove_item(ME_KEY).unwrap();
    assert!(
        get_raw(&name, "orgs", lianjie_core::demo::ORG)
            .await
            .is_some()
    );
}

#[wasm_bindgen_test]
async fn a_conversation_reads_alike_while_loading_and_after_and_old_messages_move_in() {
    let name = fresh_name();
    let first = LocalBackend::open_named(&name);
    first.act_as("u-admin");
    first.opened().await;
    let page = first.messages("v-000".into(), None).await.unwrap();
    // A message as version 3 kept it: by id, in the `messages` store.
    let mut old = page.items[0].clone();
    old.id = "m-kept-by-id".into();
    old.body = "存于旧版".into();
    old.created_at += chrono::Duration::seconds(1);
    put_raw(
        &name,
        "messages",
        &old.id,
        &serde_json::to_string(&old).unwrap(),
    )
    .await;

    // Asked at once, while the messages load (read alone), and again after.
    let reopened = LocalBackend::open_named(&name);
    reopened.act_as("u-admin");
    let early = reopened.messages("v-000".into(), None).await.unwrap();
    reopened.opened().await;
    let late = reopened.messages("v-000".into(), None).await.unwrap();
    assert_eq!(early, late);
    assert_eq!(late.items[0].id, "m-kept-by-id", "newest first");
    assert_eq!(late.total, page.total + 1);
    assert_eq!(get_raw(&name, "messages", "m-kept-by-id").await, None);
    assert!(
        get_raw(&name, "conversation_messages", "v-000/m-kept-by-id")
            .await
            .is_some()
    );
    // Another's conversation stays out of reach while loading, too.
    let rep = LocalBackend::open_named(&name);
    let hidden = rep.messages("v-001".into(), None).await;
    rep.opened().await;
    assert_eq!(
        hidden.is_err(),
        rep.messages("v-001".into(), None).await.is_err()
    );
}

#[wasm_bindgen_test]
async fn a_cold_start_shows_the_inbox_as_last_shown_then_reads_it_again() {
    use lianjie_core::api::{ConversationQuery, NewMessage, StatusFilter};
    let name = fresh_name();
    let query = ConversationQuery {
        status: StatusFilter::All,
        limit: Some(100),
        ..ConversationQuery::default()
    };
    let first = LocalBackend::open_named(&name);
    first.opened().await;
    let shown = first.conversations(query.clone()).await.unwrap();
    drop(first);

    // Started again, the page is there before the data is (the call is answered
    // without waiting), and the inbox is told to read it again once the data is.
    let again = LocalBackend::open_named(&name);
    let told: Rc<RefCell<Vec<Event>>> = Rc::default();
    let sink = told.clone();
    let _sub = again.subscribe(Rc::new(move |e: &Event| sink.borrow_mut().push(e.clone())));
    let early = again.conversations(query.clone());
    // A conversation on that page reads its messages before the rest has loaded.
    let listed = shown.page.items[0].id.clone();
    let early_messages = again.messages(listed.clone(), None);
    let customer = shown.page.items[0].contact_id.clone();
    let early_contact = again.contact(customer.clone());
    // So is who this browser acts as, which the workbench needs before any page.
    let me = again.me();
    let colleagues = again.users();
    assert!(told.borrow().is_empty());
    assert_eq!(early.await.unwrap(), shown);
    assert_eq!(me.await.unwrap().id, lianjie::api::local::DEMO_ME);
    assert!(colleagues.await.unwrap().len() > 5);
    let early_messages = early_messages.await.unwrap();
    assert!(!early_messages.items.is_empty());
    again.opened().await;
    assert!(told.borrow().contains(&Event::Reset), "{:?}", told.borrow());
    assert_eq!(again.conversations(query.clone()).await.unwrap(), shown);
    assert_eq!(again.messages(listed, None).await.unwrap(), early_messages);
    assert_eq!(
        again.contact(customer).await.unwrap(),
        early_contact.await.unwrap()
    );
    // Another page, or another query, is not what was kept: it waits for the data.
    let other = ConversationQuery {
        status: StatusFilter::Open,
        ..query.clone()
    };
    let third = LocalBackend::open_named(&name);
    assert!(third.conversations(other).await.is_ok());
    assert!(told.borrow().iter().filter(|e| **e == Event::Reset).count() == 1);

    // A write drops it: the next start reads the page from the data.
    let v = shown.page.items[0].id.clone();
    third
        .send_message(
            v,
            NewMessage {
                body: "稍后回复您".into(),
                attachments: Vec::new(),
                note: true,
                idempotency_key: "summary-dropped".into(),
            },
        )
        .await
        .unwrap();
    drop(third);
    drop(again);
    let fourth = LocalBackend::open_named(&name);
    let seen: Rc<RefCell<Vec<Event>>> = Rc::default();
    let sink = seen.clone();
    let _sub = fourth.subscribe(Rc::new(move |e: &Event| sink.borrow_mut().push(e.clone())));
    let page = fourth.conversations(query).await.unwrap();
    fourth.opened().await;
    assert!(
        !seen.borrow().contains(&Event::Reset),
        "{:?}",
        seen.borrow()
    );
    assert_eq!(page.page.total, shown.page.total);
}
