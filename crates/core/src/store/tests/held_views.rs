//! A copy holding only the views a read names answers as one holding them all
//! (see `store/held_views.rs`).

use super::*;

/// `full` with its views let go, then given those `keys` name, as a store would
/// select them.
fn holding(full: &Db, keys: &ViewKeys) -> Db {
    let mut lean = full.clone();
    lean.forget_views();
    hold(&mut lean, full, keys);
    lean
}

/// `full` with its views let go, then given those `keys` names, asked again of the
/// copy holding them until they name nothing more: how a server reads them.
fn holding_all(full: &Db, keys: impl Fn(&Db) -> ViewKeys) -> Db {
    let mut lean = holding(full, &ViewKeys::default());
    let mut asked = ViewKeys::default();
    loop {
        let more = keys(&lean).without(&asked);
        if more.is_empty() {
            return lean;
        }
        asked.extend(more);
        hold(&mut lean, full, &asked);
    }
}

fn alike<T: std::fmt::Debug>(lean: T, full: T, what: &str) {
    assert_eq!(format!("{lean:?}"), format!("{full:?}"), "{what}");
}

#[test]
fn reads_answer_alike_from_only_the_views_they_name() {
    let mut db = demo::seed(now());
    // A reader of a forwarded link reads twice: a second visit to number.
    share_pricing_to(&mut db, "k-000", "tok-a");
    let opened = db
        .open_share("tok-a", "tok-a1".into(), "s1".into(), None, now())
        .unwrap();
    db.record_snapshot(&snap_of(&opened, 30_000, &[("price", 20_000)]), now())
        .unwrap();
    let again = db
        .open_share("tok-a", "tok-a2".into(), "s2".into(), Some("tok-a1"), now())
        .unwrap();
    db.record_snapshot(&snap_of(&again, 9_000, &[("intro", 5_000)]), now())
        .unwrap();
    let callers: Vec<Caller> = (db.users.iter())
        .filter_map(|u| db.caller(&u.id).ok())
        .collect();
    let days = [0, 1, 3, 7, 14, 30];

    let (mut held_fewer, mut views_seen) = (0, 0);
    for contact in db.contacts.keys() {
        let lean = holding(&db, &db.views_of_contact(contact));
        held_fewer += usize::from(lean.sessions.len() < db.sessions.len());
        for caller in &callers {
            let timeline = db.timeline(caller, contact);
            views_seen += (timeline.iter().flatten())
                .filter(|a| matches!(a, Activity::View { .. } | Activity::Forwarded { .. }))
                .count();
            alike(lean.timeline(caller, contact), timeline, contact);
            alike(
                lean.intent_trend(caller, contact, &days, now()),
                db.intent_trend(caller, contact, &days, now()),
                contact,
            );
        }
    }
    assert!(
        held_fewer > 0 && views_seen > 0,
        "{held_fewer} {views_seen}"
    );

    let mut reading_now = 0;
    for caller in &callers {
        let full = db.today(caller, now());
        reading_now += full.as_ref().map_or(0, |t| t.reading_now.len());
        let lean = holding_all(&db, |lean| lean.views_for_today(caller, now()));
        assert!(lean.sessions.len() < db.sessions.len());
        alike(lean.today(caller, now()), full, &caller.user_id);
        for contact in db.contacts.keys() {
            let lean = holding_all(&db, |lean| lean.views_of_contact(contact));
            alike(
                lean.timeline(caller, contact),
                db.timeline(caller, contact),
                contact,
            );
        }
    }
    assert!(reading_now > 0);

    let mut later_visits = 0;
    for s in db.sessions.values() {
        let keys = ViewKeys {
            ids: [s.id.clone()].into(),
            ..ViewKeys::default()
        };
        let item = db.radar_item(&s.id);
        later_visits += usize::from(item.as_ref().is_some_and(|i| i.visit > 1));
        if let Some(item) = &item {
            assert_eq!(item.visit, visits_by_walk(&db, s), "{}", s.id);
        }
        alike(holding(&db, &keys).radar_item(&s.id), item.clone(), &s.id);
        let lines = holding_all(&db, |lean| lean.views_for_lines([s.id.as_str()]));
        alike(lines.radar_item(&s.id), item, &s.id);
    }
    assert!(later_visits > 0);

    let mut card_views = 0;
    for card in db.cards.keys() {
        for caller in &callers {
            let full = db.card_analytics(caller, card);
            card_views += full.as_ref().map_or(0, |a| a.views);
            let lean = holding(&db, &db.views_of_card(caller, card));
            alike(lean.card_analytics(caller, card), full, card);
        }
    }
    assert!(card_views > 0);

    let lean = holding(&db, &db.views_of_buyers());
    let mut won = 0;
    for caller in &callers {
        let full = db.what_works(caller, &Default::default());
        won += full
            .as_ref()
            .map_or(0, |w| w.items.iter().map(|e| e.deals_won).sum());
        alike(
            lean.what_works(caller, &Default::default()),
            full,
            "what works",
        );
        for contact in db.contacts.keys() {
            alike(
                lean.suggestions(caller, contact),
                db.suggestions(caller, contact),
                contact,
            );
        }
    }
    assert!(won > 0);
}

/// A counted view's visit number counted from every view: the same reader's
/// counted views of the same target started by its start (the customer's, else the
/// reader's own link's, else the link's).
fn visits_by_walk(db: &Db, s: &ViewSession) -> u32 {
    let share = &db.shares[&s.share_token];
    let link_of = |o: &ViewSession| db.shares.get(&o.share_token);
    let on_target = |o: &ViewSession| link_of(o).is_some_and(|l| l.target == share.target);
    let visits = (db.sessions.values())
        .filter(|o| o.totals.is_counted() && o.started_at <= s.started_at)
        .filter(|o| match (&share.contact_id, &s.reader_token) {
            (Some(c), _) => {
                on_target(o) && link_of(o).is_some_and(|l| l.contact_id.as_ref() == Some(c))
            }
            (None, Some(r)) => on_target(o) && o.reader_token.as_ref() == Some(r),
            (None, None) => o.share_token == share.token,
        })
        .count();
    visits.max(1) as u32
}

/// Holds on `lean` the views `keys` name, as `full` (the store) has them.
fn hold(lean: &mut Db, full: &Db, keys: &ViewKeys) {
    lean.hold_views(full.sessions.values().filter(|s| keys.name(s)).cloned());
}

/// How often each kind of case came up in a sequence: each must, or the test
/// proves less than it says.
#[derive(Debug, Default)]
struct Seen {
    /// Snapshots whose reader's or forwarder's sums were walked, or kept.
    walks: usize,
    kept: usize,
    merges: usize,
    unmerges: usize,
    /// Details left that named a reader with a line on the radar.
    leads: usize,
    written: usize,
    tasks: usize,
}

impl Seen {
    fn each_happened(&self) -> bool {
        [
            self.walks,
            self.kept,
            self.merges,
            self.unmerges,
            self.leads,
            self.written,
            self.tasks,
        ]
        .iter()
        .all(|n| *n > 0)
    }
}

/// A small deterministic generator for the sequences below.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n.max(1) as u64) as usize
    }
}

/// Pages opened, snapshots sent, details left, customers writing and merged,
/// tasks made from readings, run on a copy holding every
/// view and on one holding, per operation, only the views it names (as a store would read them):
/// the same answers, the same records written, the same tallies and customers.
#[test]
fn writes_run_alike_on_only_the_views_they_name() {
    for seed in 1..=6 {
        let mut full = demo::seed(now());
        full.build_lookups();
        let mut lean = full.clone();
        lean.forget_views();
        let mut rng = Lcg(seed);
        let mut at = now();
        let mut opened: Vec<String> = full.sessions.keys().map(str::to_owned).collect();
        let mut seen = Seen::default();
        // The tallies saved midway, as a server stopping saves them, the data as it
        // was then, and what changed after.
        let mut saved: Option<(Vec<u8>, Db, Vec<Change>)> = None;
        for n in 0..400 {
            if n == 150 + 20 * seed as usize {
                let doc = postcard::to_allocvec(&full.saved_tallies()).expect("written");
                saved = Some((doc, full.clone(), Vec::new()));
            }
            at += Duration::seconds(rng.below(600) as i64);
            // What a content saved does: the next snapshots walk their contacts.
            if rng.below(40) == 0 {
                full.forget_sums();
                lean.forget_sums();
            }
            let tokens: Vec<String> = full.shares.keys().cloned().collect();
            let live: Vec<String> = (full.contacts.values())
                .filter(|c| c.merged.is_none())
                .map(|c| c.id.clone())
                .collect();
            let merged: Vec<String> = (full.contacts.values())
                .filter(|c| c.merged.is_some())
                .map(|c| c.id.clone())
                .collect();
            let roll = rng.below(30);
            if roll == 5 {
                // A task from a reading: its view (its line's visits are tallied).
                let id = opened[rng.below(opened.len())].clone();
                let keys = lean.views_for_lines([id.as_str()]);
                hold(&mut lean, &full, &keys);
                let admin = full.caller("u-admin").unwrap();
                let from = crate::crm::TaskFromReading {
                    id: format!("t{seed}x{n}"),
                    session_id: id,
                };
                let want = full.task_from_reading(&admin, from.clone(), at);
                seen.tasks += usize::from(want.is_ok());
                alike(lean.task_from_reading(&admin, from, at), want, "task");
            } else if roll == 3 || roll == 4 {
                // A customer's message: from someone known (by a handle they have,
                // or in a thread of theirs) or from someone new.
                let known: Vec<(Channel, String, String)> = (full.conversations.values())
                    .filter_map(|v| {
                        let c = full.contacts.get(&v.contact_id)?;
                        let i = c.identities.iter().find(|i| i.channel == v.channel)?;
                        Some((v.channel, i.handle.clone(), v.id.clone()))
                    })
                    .collect();
                let (channel, handle, thread) = match rng.below(3) {
                    0 => (Channel::Wechat, format!("wx-new-{n}"), None),
                    pick => {
                        let (channel, handle, thread) = known[rng.below(known.len())].clone();
                        (channel, handle, (pick == 2).then_some(thread))
                    }
                };
                let keys = lean.views_for_inbound(channel, &handle, thread.as_deref(), at);
                hold(&mut lean, &full, &keys);
                let msg = InboundMessage {
                    handle,
                    name: String::new(),
                    body: format!("在吗 {n}"),
                    attachments: Vec::new(),
                    idempotency_key: format!("m{seed}x{n}"),
                    context: None,
                };
                let ids = [
                    format!("k{seed}x{n}"),
                    format!("v{seed}x{n}"),
                    format!("m{seed}x{n}"),
                ];
                let (want, got) = match &thread {
                    Some(t) => (
                        full.inbound_threaded(channel, t, msg.clone(), ids.clone(), at),
                        lean.inbound_threaded(channel, t, msg, ids, at),
                    ),
                    None => (
                        full.inbound(channel, msg.clone(), ids.clone(), at),
                        lean.inbound(channel, msg, ids, at),
                    ),
                };
                seen.written += usize::from(want.is_ok());
                alike(got, want, "inbound");
            } else if roll == 2 {
                // Details left on a reader's own link (one of a few phones, so some
                // match a customer).
                let links: Vec<&str> = (full.shares.values())
                    .filter(|s| s.parent.is_some())
                    .map(|s| s.token.as_str())
                    .collect();
                let link = links[rng.below(links.len())].to_owned();
                let details = crate::share::LeadDetails {
                    name: format!("读者{n}"),
                    phone: format!("1380013800{}", rng.below(4)),
                    ..Default::default()
                };
                let keys = lean.views_for_details(&link);
                hold(&mut lean, &full, &keys);
                let id = format!("k{seed}x{n}");
                let want = full.capture_lead(&link, details.clone(), id.clone(), at);
                seen.leads += usize::from(want.as_ref().is_ok_and(|(_, item)| item.is_some()));
                alike(lean.capture_lead(&link, details, id, at), want, &link);
            } else if roll < 2 {
                // Two customers merged (or, now and then, one merge undone): both
                // contacts' views.
                let (keep, other) = match (roll, merged.is_empty()) {
                    (1, false) => {
                        let other = merged[rng.below(merged.len())].clone();
                        let into = (full.contacts[&other].merged.as_ref())
                            .map(|m| m.into.clone())
                            .unwrap_or_default();
                        (into, other)
                    }
                    _ => (
                        live[rng.below(live.len())].clone(),
                        live[rng.below(live.len())].clone(),
                    ),
                };
                let mut keys = lean.views_of_contact(&keep);
                keys.extend(lean.views_of_contact(&other));
                hold(&mut lean, &full, &keys);
                let admin = full.caller("u-admin").unwrap();
                if full.contacts[&other].merged.is_some() {
                    let want = full.unmerge_contact(&admin, &other, at);
                    seen.unmerges += usize::from(want.is_ok());
                    alike(lean.unmerge_contact(&admin, &other, at), want, "unmerge");
                } else {
                    let want = full.merge_contacts(&admin, &keep, &other, at);
                    seen.merges += usize::from(want.is_ok());
                    alike(
                        lean.merge_contacts(&admin, &keep, &other, at),
                        want,
                        "merge",
                    );
                }
            } else if roll < 12 {
                let token = &tokens[rng.below(tokens.len())];
                let children: Vec<String> = (full.shares.values())
                    .filter(|s| s.parent.as_deref() == Some(token))
                    .map(|s| s.token.clone())
                    .collect();
                let reuse = (!children.is_empty() && rng.below(2) == 0)
                    .then(|| children[rng.below(children.len())].clone());
                let (child, session) = (format!("c{seed}x{n}"), format!("s{seed}x{n}"));
                let keys = ViewKeys {
                    ids: [session.clone()].into(),
                    ..ViewKeys::default()
                };
                hold(&mut lean, &full, &keys);
                let want =
                    full.open_share(token, child.clone(), session.clone(), reuse.as_deref(), at);
                let got = lean.open_share(token, child, session.clone(), reuse.as_deref(), at);
                alike(got, want, "open");
                opened.push(session);
            } else {
                let id = &opened[rng.below(opened.len())];
                let Some(view) = full.sessions.get(id) else {
                    continue;
                };
                let sections = [
                    ("price", rng.below(40_000) as u64),
                    ("intro", rng.below(9_000) as u64),
                ];
                let mut s = snap(
                    id,
                    &view.share_token,
                    view.totals.visible_ms + rng.below(30_000) as u64,
                    &sections,
                );
                s.reader_token = view.reader_token.clone();
                let first = ViewKeys {
                    ids: [id.clone()].into(),
                    ..ViewKeys::default()
                };
                hold(&mut lean, &full, &first);
                // Now and then from a server whose clock runs behind the views' starts.
                let at = if rng.below(8) == 0 {
                    at - Duration::hours(1)
                } else {
                    at
                };
                let keys = lean.views_for_snapshot(&s, at);
                if keys == first {
                    seen.kept += 1;
                } else {
                    seen.walks += 1;
                }
                hold(&mut lean, &full, &keys);
                let want = full.record_snapshot(&s, at);
                let got = lean.record_snapshot(&s, at);
                alike(got, want, id);
            }
            let (want, got) = (full.take_changes(), lean.take_changes());
            assert_eq!(got, want);
            if let Some((.., since)) = &mut saved {
                since.extend(want.iter().cloned());
            }
            for change in &want {
                assert_eq!(lean.record(change), full.record(change), "{change:?}");
            }
            lean.forget_views();
        }
        assert_eq!(lean.ix().tallies, full.ix().tallies, "seed {seed}");
        let (doc, then, since) = saved.expect("saved midway");
        let restarted = started_from_older_save(&doc, &then, &full, since);
        assert_eq!(
            restarted.ix().tallies,
            full.ix().tallies,
            "seed {seed}: restarted"
        );
        assert_eq!(restarted.shares, full.shares, "seed {seed}: restarted");
        assert_eq!(lean.contacts, full.contacts, "seed {seed}");
        assert_eq!(lean.conversations, full.conversations, "seed {seed}");
        assert_eq!(lean.shares, full.shares, "seed {seed}");
        // Kept sums are a cache each copy fills as it walks: where both keep a
        // customer's, they agree.
        let full_sums = &full.ix().sums;
        let mut both = 0;
        for (contact, sums) in &lean.ix().sums {
            if let Some(other) = full_sums.get(contact) {
                assert_eq!(sums, other, "seed {seed}: {contact}'s kept sums");
                both += 1;
            }
        }
        assert!(both > 0, "seed {seed}: no customer's sums kept by both");
        assert!(seen.each_happened(), "seed {seed}: {seen:?}");
    }
}

/// A copy of `now`'s records holding no views, started from tallies saved (`doc`)
/// when the data was `then`, brought up by the records `since` changed as a server
/// starting from an older save brings it: the records in the order storage reads
/// them (links before views before the rest), each view they name as it was then.
fn started_from_older_save(doc: &[u8], then: &Db, now: &Db, since: Vec<Change>) -> Db {
    let rank = |r: &Record| match r {
        Record::Share(_) => 0,
        Record::Session(_) => 1,
        _ => 2,
    };
    let mut seen = BTreeSet::new();
    let mut records: Vec<Record> = (since.iter())
        .filter(|c| seen.insert(format!("{c:?}")))
        .filter_map(|c| now.record(c))
        .collect();
    records.sort_by_key(rank);
    let mut copy = now.clone();
    copy.forget_views();
    copy.forget_lookups();
    let saved = postcard::from_bytes(doc).expect("read back");
    let links = (records.iter())
        .filter_map(|r| match r {
            Record::Share(s) => then.shares.get(&s.token).cloned(),
            _ => None,
        })
        .map(|s| (s.token.clone(), s))
        .collect();
    copy.restore_tallies_before(saved, &records, links);
    let keys = copy.views_for_records(&records);
    let views = then.sessions.values().filter(|s| keys.name(s)).cloned();
    copy.put_counted(records, views.collect());
    copy
}

/// A copy started from storage, its views counted a page at a time and never held,
/// keeps the lookups and tallies of one built from every view and then let go.
#[test]
fn views_counted_without_holding_them_tally_as_a_build_does() {
    let mut full = demo::seed(now());
    share_pricing_to(&mut full, "k-000", "tok-a");
    let opened = full
        .open_share("tok-a", "tok-a1".into(), "s1".into(), None, now())
        .unwrap();
    full.record_snapshot(&snap_of(&opened, 30_000, &[("price", 20_000)]), now())
        .unwrap();
    let views: Vec<ViewSession> = full.sessions.values().cloned().collect();
    let mut started = full.clone();
    started.sessions = ById::default();
    started.index = OnceLock::new();
    for page in views.chunks(3) {
        started.count_views(page);
    }
    started.shrink_lookups();
    full.build_lookups();
    assert!(!full.ix().tallies.recent.is_empty());
    full.forget_views();
    // Kept sums are a cache the operations above filled on the way.
    full.forget_sums();
    assert_eq!(started.ix(), full.ix());
}

/// A snapshot that leaves its view uncounted (a page's first seconds) refreshes no
/// customer's figures: it names only its own view, even with no sums kept (after a
/// start), where naming the customer's every view stalled ingest. The one that
/// makes the view counted names them.
#[test]
fn a_snapshot_that_leaves_its_view_uncounted_names_only_that_view() {
    let mut db = demo::seed(now());
    db.build_lookups();
    let token = (db.shares.values())
        .find(|s| s.contact_id.is_some() && db.sessions.values().any(|v| v.share_token == s.token))
        .map(|s| s.token.clone())
        .expect("a customer's link with views");
    let at = now() + Duration::minutes(5);
    let opened = db
        .open_share(&token, "c-new".into(), "s-new".into(), None, at)
        .expect("opened");
    db.forget_sums();
    let own = ViewKeys {
        ids: ["s-new".to_owned()].into(),
        ..ViewKeys::default()
    };
    let below = crate::tracking::VIEW_COUNT_THRESHOLD_MS - 1;
    let first = snap_of(&opened, below, &[]);
    assert_eq!(db.views_for_snapshot(&first, at), own);
    db.record_snapshot(&first, at).expect("recorded");
    let counted = snap_of(&opened, below + 1, &[]);
    let keys = db.views_for_snapshot(&counted, at);
    assert!(
        keys.links.contains(&token),
        "the customer's links: {keys:?}"
    );
    db.record_snapshot(&counted, at).expect("recorded");
    // Counted, the same totals again change nothing (a beacon sent twice).
    db.forget_sums();
    assert_eq!(db.views_for_snapshot(&counted, at), own);
}
