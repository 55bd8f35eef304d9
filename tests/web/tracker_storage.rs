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
