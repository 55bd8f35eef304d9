//! Where the server's memory goes (`bash bench/memory.sh`): the data set of
//! `bench/scale.sh` at each size, read back from the documents storage keeps as a
//! server's start reads them (messages stay in the database; views are counted into
//! the running tallies a page at a time and let go), then the heap each kind of
//! record holds, and what core's lookups and running tallies add.
//!
//! `memory [messages ...]` (default: 100000 1000000)

#[path = "support/grow.rs"]
mod grow;

use lianjie_core::store::Db;
use lianjie_core::tracking::ViewSession;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// Counts the heap in use: the bytes asked for, the allocations, and the bytes glibc's
/// malloc keeps for them (a chunk of at least 32 bytes: the request and an 8-byte
/// header rounded up to 16). Resident memory pays at least that: fragmentation, free
/// lists and the pages of large blocks come on top.
struct Counting;

#[global_allocator]
static COUNTING: Counting = Counting;

static ASKED: AtomicUsize = AtomicUsize::new(0);
static KEPT: AtomicUsize = AtomicUsize::new(0);
static BLOCKS: AtomicUsize = AtomicUsize::new(0);

fn chunk(size: usize) -> usize {
    ((size + 8 + 15) & !15).max(32)
}

// SAFETY: every call is passed on to the system allocator unchanged; the counters
// only observe the sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract for `alloc`, passed on.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            ASKED.fetch_add(layout.size(), Relaxed);
            KEPT.fetch_add(chunk(layout.size()), Relaxed);
            BLOCKS.fetch_add(1, Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract for `dealloc`, passed on.
        unsafe { System.dealloc(ptr, layout) };
        ASKED.fetch_sub(layout.size(), Relaxed);
        KEPT.fetch_sub(chunk(layout.size()), Relaxed);
        BLOCKS.fetch_sub(1, Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's contract for `realloc`, passed on.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            ASKED.fetch_add(new_size, Relaxed);
            ASKED.fetch_sub(layout.size(), Relaxed);
            KEPT.fetch_add(chunk(new_size), Relaxed);
            KEPT.fetch_sub(chunk(layout.size()), Relaxed);
        }
        p
    }
}

/// The heap in use now: (bytes asked for, bytes malloc keeps, allocations).
#[derive(Clone, Copy)]
struct Heap(usize, usize, usize);

fn heap() -> Heap {
    Heap(
        ASKED.load(Relaxed),
        KEPT.load(Relaxed),
        BLOCKS.load(Relaxed),
    )
}

/// Prints one line: what was freed or built between `before` and `after`, per record.
fn line(what: &str, records: usize, before: Heap, after: Heap) {
    let diff = |a: usize, b: usize| a.abs_diff(b);
    let kept = diff(after.1, before.1);
    let per = kept.checked_div(records).unwrap_or(0);
    println!(
        "{what:<28} {records:>10} {:>10.1} {:>10.1} {:>12} {per:>8}",
        diff(after.0, before.0) as f64 / 1e6,
        kept as f64 / 1e6,
        diff(after.2, before.2),
    );
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("messages: a number"))
        .collect();
    let sizes = if sizes.is_empty() {
        vec![100_000, 1_000_000]
    } else {
        sizes
    };
    for messages in sizes {
        measure(messages);
    }
}

/// Views counted a page at a time, as a start reads them.
const VIEWS_PAGE: usize = 1_000;

/// A table's records as a start reads them: each from its JSON document, the map
/// built from the records in key order (see the server's `storage::load`).
fn reread<'a, K, T, C>(map: impl IntoIterator<Item = (K, &'a T)>) -> C
where
    K: AsRef<str>,
    T: Serialize + DeserializeOwned + 'a,
    C: FromIterator<(String, T)>,
{
    let docs: Vec<(String, String)> = map
        .into_iter()
        .map(|(k, v)| {
            let doc = serde_json::to_string(v).expect("document");
            (k.as_ref().to_owned(), doc)
        })
        .collect();
    docs.into_iter()
        .map(|(k, doc)| (k, serde_json::from_str(&doc).expect("document")))
        .collect()
}

fn measure(messages: usize) {
    let grown = grow::generate(messages);
    // The server leaves messages in the database and reads them by the page.
    let mut db = Db::default();
    db.org = grown.org.clone();
    db.users = grown.users.clone();
    db.canned = grown.canned.clone();
    db.cards = reread(grown.cards.iter());
    db.contents = reread(grown.contents.iter());
    db.shares = reread(grown.shares.iter());
    let views: Vec<String> = (grown.sessions.iter())
        .map(|(_, v)| serde_json::to_string(v).expect("document"))
        .collect();
    db.contacts = reread(grown.contacts.iter());
    db.conversations = reread(grown.conversations.iter());
    db.channel_keys = reread(grown.channel_keys.iter());
    db.log = reread(grown.log.iter());
    db.tasks = reread(grown.tasks.iter());
    db.deals = reread(grown.deals.iter());
    drop(grown);

    println!("\n{messages} messages and as many view sessions");
    println!(
        "{:<28} {:>10} {:>10} {:>10} {:>12} {:>8}",
        "", "records", "asked MB", "malloc MB", "allocations", "B each"
    );
    let read = heap();
    db.build_lookups();
    for page in views.chunks(VIEWS_PAGE) {
        let page: Vec<ViewSession> = (page.iter())
            .map(|doc| serde_json::from_str(doc).expect("document"))
            .collect();
        db.count_views(&page);
    }
    db.shrink_lookups();
    line("lookups and running tallies", views.len(), read, heap());
    drop(views);

    macro_rules! drop_field {
        ($($name:literal => $field:ident),* $(,)?) => {$(
            let before = heap();
            let records = db.$field.len();
            drop(std::mem::take(&mut db.$field));
            line($name, records, before, heap());
        )*};
    }
    drop_field!(
        "customers (contacts)" => contacts,
        "conversations" => conversations,
        "links (shares)" => shares,
        "follow-ups and changes (log)" => log,
        "tasks" => tasks,
        "deals" => deals,
        "contents" => contents,
        "cards" => cards,
    );
    let before = heap();
    drop(db);
    line("the rest, lookups included", 0, before, heap());
}
