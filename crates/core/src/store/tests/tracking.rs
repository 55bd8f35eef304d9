//! Tracking and what it feeds: sessions the server issued, counting, the radar,
//! card analytics.

use super::*;
use crate::store::tally::RECENT_VIEWS;

#[test]
fn the_closed_loop_share_read_radar() {
    let mut db = demo::seed(now());
    share_pricing_to(&mut db, "k-000", "tok-a");
    let opened = db
        .open_share("tok-a", "tok-a1".into(), "s1".into(), None, now())
        .unwrap();
    let read = |session: &str, visible_ms, sections: &[(&str, u64)]| {
        let mut s = snap(session, "tok-a", visible_ms, sections);
        s.reader_token = Some("tok-a1".into());
        s
    };
    assert_eq!(opened.card.map(|c| c.id).as_deref(), Some("wang-lei"));
    assert_eq!(opened.content.unwrap().id, "c-pricing");
    assert_eq!(db.shares["tok-a1"].parent.as_deref(), Some("tok-a"));

    // Under two seconds: recorded but not announced.
    assert_eq!(
        db.record_snapshot(&read("s1", 1_500, &[]), now()).unwrap(),
        None
    );
    let item = db
        .record_snapshot(
            &read("s1", 250_000, &[("price", 120_000), ("intro", 20_000)]),
            now(),
        )
        .unwrap()
        .expect("counted view is announced");
    assert_eq!(
        item.reader.as_deref(),
        Some(db.contacts["k-000"].name.as_str())
    );
    assert_eq!(item.title, "2026 企业 SCRM 报价方案");
    assert_eq!(item.top_section.as_deref(), Some("价格"));
    assert_eq!(item.visit, 1);
    // The radar's filters: by rep, by content, hot only.
    let f = |hot, rep: Option<&str>, content: Option<&str>| RadarFilter {
        hot,
        rep_id: rep.map(Into::into),
        content_id: content.map(Into::into),
    };
    assert!(f(false, Some("u-wanglei"), Some("c-pricing")).matches(&item));
    assert!(!f(false, Some("u-lina"), None).matches(&item));
    assert!(!f(false, None, Some("c-other")).matches(&item));
    assert_eq!(f(true, None, None).matches(&item), item.intent >= 70);
    assert_eq!(db.contacts["k-000"].interests.get("价格"), Some(120));
    let changes = db.take_changes();
    for expected in [
        Change::Share("tok-a".into()),
        Change::Share("tok-a1".into()),
        Change::Session("s1".into()),
        Change::Contact("k-000".into()),
    ] {
        assert!(changes.contains(&expected), "{expected:?} in {changes:?}");
    }
    assert!(db.take_changes().is_empty());
    assert!(db.contacts["k-000"].intent > 0);

    // The same snapshot again announces nothing.
    let again = read("s1", 250_000, &[("price", 120_000), ("intro", 20_000)]);
    assert_eq!(db.record_snapshot(&again, now()).unwrap(), None);
    assert!(db.take_changes().is_empty());

    // A later visit through the same person's link is visit 2: a new session,
    // still bound to the reader's own link.
    let later = now() + Duration::hours(1);
    let visit = db
        .open_share("tok-a", "unused".into(), "s2".into(), Some("tok-a1"), later)
        .unwrap();
    assert_eq!(visit.child_token, "tok-a1");
    assert_eq!(db.sessions["s2"].reader_token.as_deref(), Some("tok-a1"));
    let item = db
        .record_snapshot(&read("s2", 3_000, &[]), later)
        .unwrap()
        .unwrap();
    assert_eq!(item.visit, 2);
    assert_eq!(
        db.radar(&db.caller("u-admin").unwrap(), 10).unwrap()[0].session_id,
        "s2"
    );
    assert_index_current(&db);

    let timeline = db
        .timeline(&db.caller("u-admin").unwrap(), "k-000")
        .unwrap();
    let views = timeline
        .iter()
        .filter(|a| matches!(a, Activity::View { .. }))
        .count();
    assert_eq!(views, 2);
    assert!(
        timeline.windows(2).all(|w| w[0].at() >= w[1].at()),
        "newest first"
    );
    assert_eq!(
        db.timeline(&db.caller("u-admin").unwrap(), "nobody"),
        Err(StoreError::NotFound("contact"))
    );
}

#[test]
fn card_analytics_counts_views_of_every_link_to_the_card() {
    let mut db = demo::seed(now());
    // What the demo's history holds already; the views below add to it.
    let before = db
        .card_analytics(&db.caller("u-admin").unwrap(), "wang-lei")
        .unwrap();
    let saved = |a: &CardAnalytics| {
        a.actions
            .iter()
            .find(|c| c.action == crate::tracking::ViewAction::SavedContact)
            .map_or(0, |c| c.views)
    };
    let opened = db
        .open_card(
            "wang-lei",
            ("card-link".into(), "anon-own".into()),
            "s-anon".into(),
            None,
            now(),
        )
        .unwrap();
    let mut s = snap_of(&opened, 9_000, &[]);
    s.totals
        .actions
        .insert(crate::tracking::ViewAction::SavedContact);
    db.record_snapshot(&s, now()).unwrap();
    wanglei_owns(&mut db, "k-002");
    let new = NewShare {
        target: ShareTarget::Card("wang-lei".into()),
        contact_id: Some("k-002".into()),
        channel: None,
        lead_capture: LeadCapture::Off,
    };
    db.create_share(&db.caller("u-wanglei").unwrap(), new, "to-k2".into(), now())
        .unwrap();
    let k2 = db
        .open_share("to-k2", "k2-own".into(), "s-k2".into(), None, now())
        .unwrap();
    db.record_snapshot(&snap_of(&k2, 30_000, &[]), now())
        .unwrap();
    // Too short to count; and a preview bot that opens the link and runs nothing.
    let short = db
        .open_share("to-k2", "short-own".into(), "s-short".into(), None, now())
        .unwrap();
    db.record_snapshot(&snap_of(&short, 500, &[]), now())
        .unwrap();
    db.open_share("to-k2", "bot-own".into(), "s-bot".into(), None, now())
        .unwrap();
    let a = db
        .card_analytics(&db.caller("u-admin").unwrap(), "wang-lei")
        .unwrap();
    assert_eq!(
        (a.views, a.unique_viewers),
        (before.views + 2, before.unique_viewers + 2)
    );
    assert_eq!(a.total_visible_ms, before.total_visible_ms + 39_000);
    assert_eq!(a.actions.len(), before.actions.len());
    assert_eq!(saved(&a), saved(&before) + 1);
    let k2 = a
        .top_viewers
        .iter()
        .find(|v| v.contact_id.as_deref() == Some("k-002"))
        .unwrap();
    assert_eq!(k2.name.as_deref(), Some(db.contacts["k-002"].name.as_str()));
    assert_eq!((k2.views, k2.visible_ms), (1, 30_000));
    assert!(
        db.card_analytics(&db.caller("u-admin").unwrap(), "ghost")
            .is_err()
    );
}

#[test]
fn unknown_tokens_and_bad_snapshots_are_refused() {
    let mut db = demo::seed(now());
    let sessions = db.sessions.len();
    assert_eq!(
        db.open_share("nope", "x".into(), "sx".into(), None, now()),
        Err(StoreError::NotFound("share"))
    );
    assert_eq!(db.sessions.len(), sessions, "no view issued");
    assert_eq!(
        db.record_snapshot(&snap("s", "nope", 5_000, &[]), now()),
        Err(StoreError::NotFound("share"))
    );
    share_pricing_to(&mut db, "k-002", "tok-c");
    let mut bad = snap("s", "tok-c", 5_000, &[]);
    bad.totals.max_scroll_pct = 200;
    assert!(matches!(
        db.record_snapshot(&bad, now()),
        Err(StoreError::Invalid(_))
    ));
    let share = NewShare {
        target: ShareTarget::Card("ghost".into()),
        contact_id: None,
        channel: None,
        lead_capture: Default::default(),
    };
    assert_eq!(
        db.create_share(&db.caller("u-lina").unwrap(), share, "t".into(), now()),
        Err(StoreError::NotFound("card"))
    );
}

/// What a refused snapshot must leave as it was.
fn tracked_state(db: &Db) -> impl PartialEq + std::fmt::Debug + use<> {
    (
        db.sessions.clone(),
        db.contacts.clone(),
        db.conversations.clone(),
        db.shares.len(),
    )
}

#[test]
fn a_made_up_session_is_refused_and_changes_nothing() {
    let mut db = demo::seed(now());
    share_pricing_to(&mut db, "k-000", "tok-f");
    let opened = db
        .open_share("tok-f", "tok-f1".into(), "issued".into(), None, now())
        .unwrap();
    db.take_changes();
    let before = tracked_state(&db);
    let intent = db.contacts["k-000"].intent;
    let admin = db.caller("u-admin").unwrap();
    let radar = db.radar(&admin, 1_000).unwrap();
    let pricing = db.content_analytics(&admin, "c-pricing").unwrap();
    // A session the store never issued, on a real link with a real reader: even
    // with every action a forger would want, nothing is recorded.
    let mut forged = snap_of(&opened, 600_000, &[("price", 600_000)]);
    forged.session_id = "made-up-session".into();
    forged.totals.actions.extend([
        crate::tracking::ViewAction::Called,
        crate::tracking::ViewAction::SavedContact,
    ]);
    assert_eq!(
        db.record_snapshot(&forged, now()),
        Err(StoreError::NotFound("session"))
    );
    assert_eq!(tracked_state(&db), before);
    assert!(db.take_changes().is_empty());
    assert_eq!(db.radar(&admin, 1_000).unwrap(), radar);
    assert_eq!(db.content_analytics(&admin, "c-pricing").unwrap(), pricing);
    assert_eq!(db.contacts["k-000"].intent, intent);
    assert!(
        !db.timeline(&admin, "k-000")
            .unwrap()
            .iter()
            .any(|a| matches!(a, Activity::View { .. } | Activity::Forwarded { .. }))
    );
}

#[test]
fn a_session_is_accepted_only_for_its_own_link_and_reader() {
    let mut db = demo::seed(now());
    share_pricing_to(&mut db, "k-000", "tok-m");
    share_pricing_to(&mut db, "k-001", "tok-n");
    let mine = db
        .open_share("tok-m", "tok-m1".into(), "s-m".into(), None, now())
        .unwrap();
    let other = db
        .open_share("tok-n", "tok-n1".into(), "s-n".into(), None, now())
        .unwrap();
    db.take_changes();
    let before = tracked_state(&db);
    // Another (real) share, another reader's (real) link, or no reader at all.
    let mut on_other_share = snap_of(&mine, 30_000, &[]);
    on_other_share.share_token = other.share.token.clone();
    let mut as_other_reader = snap_of(&mine, 30_000, &[]);
    as_other_reader.reader_token = Some(other.child_token.clone());
    let mut no_reader = snap_of(&mine, 30_000, &[]);
    no_reader.reader_token = None;
    let mut on_child_link = snap_of(&mine, 30_000, &[]);
    on_child_link.share_token = mine.child_token.clone();
    for bad in [on_other_share, as_other_reader, no_reader, on_child_link] {
        assert_eq!(
            db.record_snapshot(&bad, now()),
            Err(StoreError::NotFound("session")),
            "{bad:?}"
        );
    }
    assert_eq!(tracked_state(&db), before);
    assert!(db.take_changes().is_empty());
    // The session's own snapshot is taken.
    assert!(
        db.record_snapshot(&snap_of(&mine, 30_000, &[]), now())
            .unwrap()
            .is_some()
    );
}

#[test]
fn an_issued_session_counts_only_from_two_seconds_and_repeats_are_harmless() {
    let mut db = demo::seed(now());
    share_pricing_to(&mut db, "k-000", "tok-t");
    let intent = db.contacts["k-000"].intent;
    let opened = db
        .open_share("tok-t", "tok-t1".into(), "s-t".into(), None, now())
        .unwrap();
    // Opened (as a previewer or bot would): stored, on no radar, in no figure.
    assert!(db.sessions.contains_key("s-t"));
    let admin = db.caller("u-admin").unwrap();
    // The demo's history, which the views below add to.
    let radar = db.radar(&admin, 1_000).unwrap();
    let opens = db
        .content_analytics(&admin, "c-pricing")
        .unwrap()
        .stats
        .opens;
    let nothing_counted = |db: &Db| {
        db.radar(&admin, 1_000).unwrap() == radar
            && db.radar_item("s-t").is_none()
            && db
                .content_analytics(&admin, "c-pricing")
                .unwrap()
                .stats
                .opens
                == opens
            && db.contacts["k-000"].intent == intent
            && !db
                .timeline(&admin, "k-000")
                .unwrap()
                .iter()
                .any(|a| matches!(a, Activity::View { .. }))
    };
    assert!(nothing_counted(&db));
    assert_eq!(
        db.record_snapshot(&snap_of(&opened, 1_999, &[]), now()),
        Ok(None)
    );
    assert!(nothing_counted(&db));
    // At 2 s the view counts and is announced once.
    let at_two = snap_of(&opened, 2_000, &[("price", 2_000)]);
    let item = db.record_snapshot(&at_two, now()).unwrap().unwrap();
    assert_eq!((item.session_id.as_str(), item.visit), ("s-t", 1));
    assert_eq!(db.radar(&admin, 1_000).unwrap().len(), radar.len() + 1);
    assert_eq!(
        db.content_analytics(&admin, "c-pricing")
            .unwrap()
            .stats
            .opens,
        opens + 1
    );
    // Repeats, and an older snapshot arriving late, change nothing.
    db.take_changes();
    let settled = (db.sessions["s-t"].clone(), db.contacts.clone());
    let later = now() + Duration::minutes(5);
    for late in [at_two.clone(), snap_of(&opened, 1_000, &[]), at_two] {
        assert_eq!(db.record_snapshot(&late, later), Ok(None));
    }
    assert!(db.take_changes().is_empty());
    let s = &db.sessions["s-t"];
    assert_eq!(
        (&s.totals, s.last_seen_at, &db.contacts),
        (&settled.0.totals, settled.0.last_seen_at, &settled.1)
    );
    assert_eq!(db.radar(&admin, 1_000).unwrap().len(), radar.len() + 1);
}

/// The running tallies answer what going through every reading would: each
/// content item's figures, for every member of staff.
#[test]
fn content_figures_from_the_tallies_are_those_of_every_reading() {
    let mut db = demo::seed(now());
    // Some views taken out of the tallies again: a view reading on, a lead named.
    share_pricing_to(&mut db, "k-000", "tok-a");
    db.open_share("tok-a", "tok-a1".into(), "s1".into(), None, now())
        .unwrap();
    for visible_ms in [5_000, 95_000] {
        let mut s = snap("s1", "tok-a", visible_ms, &[("price", visible_ms / 2)]);
        s.reader_token = Some("tok-a1".into());
        s.seq = visible_ms as u32;
        db.record_snapshot(&s, now()).unwrap();
    }
    for user in db.users.clone() {
        let caller = db.caller(&user.id).unwrap();
        for content in db.contents.values() {
            let target = ShareTarget::Content(content.id.clone());
            let readings = db.readings(&caller, &target);
            let Ok(got) = db.content_analytics(&caller, &content.id) else {
                assert!(!caller.may(Action::SeeRadar));
                continue;
            };
            let mut times: Vec<u64> = readings
                .iter()
                .map(|r| r.session.totals.visible_ms)
                .collect();
            times.sort_unstable();
            let n = times.len();
            let median = match n {
                0 => 0,
                _ => (times[(n - 1) / 2] + times[n / 2]) / 2,
            };
            let readers: std::collections::BTreeSet<_> =
                readings.iter().map(|r| r.reader_key).collect();
            let completed = readings
                .iter()
                .filter(|r| r.session.totals.max_scroll_pct >= 90)
                .count();
            let s = &got.stats;
            assert_eq!(s.opens as usize, n, "{} {}", user.id, content.id);
            assert_eq!(s.unique_readers as usize, readers.len());
            assert_eq!(s.total_visible_ms, times.iter().sum::<u64>());
            assert_eq!(s.median_visible_ms, median);
            assert_eq!(
                s.completion_pct as usize,
                (completed * 100).checked_div(n).unwrap_or(0)
            );
            assert_eq!(
                s.forwards as usize,
                readings.iter().filter(|r| r.forwarded).count()
            );
            for heat in &got.sections {
                let dwell: Vec<u64> = readings
                    .iter()
                    .filter_map(|r| r.session.totals.sections.get(&heat.block_id))
                    .collect();
                assert_eq!(heat.dwell_ms, dwell.iter().sum::<u64>());
                assert_eq!(
                    heat.views as usize,
                    dwell.iter().filter(|ms| **ms >= 1_000).count()
                );
            }
            assert_eq!(got.views_by_day, crate::analytics::views_by_day(&readings));
            // The forward tree holds every view of a link the caller covers.
            fn views(n: &crate::analytics::ForwardNode) -> u32 {
                n.views + n.children.iter().map(views).sum::<u32>()
            }
            let in_tree: u32 = got.forward_tree.iter().map(views).sum();
            assert!(got.forward_tree.len() <= crate::analytics::FORWARD_ROOTS);
            assert!(got.forward_roots as usize >= got.forward_tree.len());
            if got.forward_roots as usize == got.forward_tree.len() {
                assert_eq!(in_tree as usize, n, "{} {}", user.id, content.id);
            }
            // The trees are those of the caller's links with views, most read first
            // (ties by token), each with every view below its root.
            let mut roots: BTreeMap<&str, u32> = BTreeMap::new();
            for r in &readings {
                let mut token = r
                    .session
                    .reader_token
                    .as_deref()
                    .unwrap_or(&r.session.share_token);
                while let Some(parent) = db.shares.get(token).and_then(|s| s.parent.as_deref()) {
                    token = parent;
                }
                if db.shares.contains_key(token) {
                    *roots.entry(token).or_default() += 1;
                }
            }
            let mut ranked: Vec<(u32, &str)> = roots.into_iter().map(|(t, n)| (n, t)).collect();
            ranked.sort_by_key(|(n, t)| (std::cmp::Reverse(*n), *t));
            assert_eq!(got.forward_roots as usize, ranked.len());
            let tops: Vec<u32> = got.forward_tree.iter().map(views).collect();
            let expected: Vec<u32> = ranked
                .iter()
                .take(crate::analytics::FORWARD_ROOTS)
                .map(|(n, _)| *n)
                .collect();
            assert_eq!(tops, expected, "{} {}", user.id, content.id);
        }
    }
    assert_index_current(&db);
}

/// The radar keeps each rep's latest views only: one that was dropped for being
/// old comes back first when its reader reads on.
#[test]
fn the_radar_keeps_each_reps_latest_views_and_an_old_one_reading_on_returns() {
    let mut db = demo::seed(now());
    let admin = db.caller("u-admin").unwrap();
    db.radar(&admin, 1).unwrap();
    share_pricing_to(&mut db, "k-000", "tok-many");
    let many = RECENT_VIEWS + 10;
    for i in 0..many {
        let mut s = ViewSession::issue(
            format!("many-{i:04}"),
            "tok-many".into(),
            "tok-many-own".into(),
            now() + Duration::seconds(i as i64),
        );
        s.totals.visible_ms = 5_000;
        db.put(Record::Session(s));
    }
    let ids = |db: &Db, n| -> Vec<String> {
        db.radar(&admin, n)
            .unwrap()
            .into_iter()
            .map(|i| i.session_id)
            .collect()
    };
    let newest = format!("many-{:04}", many - 1);
    assert_eq!(ids(&db, 1), std::slice::from_ref(&newest));
    assert_eq!(
        db.ix().tallies.recent.values().map(|v| v.len()).max(),
        Some(RECENT_VIEWS)
    );
    assert_index_current(&db);
    // The oldest, long dropped, reads on: first again, and kept as a fresh count has it.
    let mut read = snap("many-0000", "tok-many", 9_000, &[]);
    read.reader_token = Some("tok-many-own".into());
    db.record_snapshot(&read, now() + Duration::hours(1))
        .unwrap();
    assert_eq!(ids(&db, 2), ["many-0000".to_string(), newest]);
    assert_index_current(&db);
}

#[test]
fn a_contacts_view_sums_are_kept_snapshot_by_snapshot_as_a_walk_finds_them() {
    let mut db = demo::seed(now());
    share_pricing_to(&mut db, "k-000", "tok-a");
    let reader = db
        .open_share("tok-a", "tok-a1".into(), "s1".into(), None, now())
        .unwrap();
    let again = db
        .open_share("tok-a", "unused".into(), "s2".into(), Some("tok-a1"), now())
        .unwrap();
    // Someone the reader forwarded their link to.
    let forward = db
        .open_share("tok-a1", "tok-b1".into(), "s3".into(), None, now())
        .unwrap();
    for step in 1..=4u64 {
        for opened in [&reader, &again, &forward] {
            let sections = [("price", step * 1_500), ("intro", 400 * step)];
            db.record_snapshot(&snap_of(opened, step * 3_000, &sections), now())
                .unwrap();
        }
        let kept = db.index.get().and_then(|ix| ix.sums.get("k-000"));
        assert!(kept.is_some(), "kept after step {step}");
        assert_index_current(&db);
    }
    let (signals, interests) = db.signals("k-000", now());
    assert_eq!((signals.visits, signals.forwards), (2, 1));
    assert_eq!(db.contacts["k-000"].intent, intent_score(&signals, now()));
    assert_eq!(
        interests.get("价格").copied(),
        db.contacts["k-000"].interests.get("价格")
    );
}

/// Readers opening pages (a view issued, a reader's link minted), a rep sending a
/// link, and records from elsewhere that no counted view goes through leave a
/// contact's kept view sums in place; a link their views go through, changed, lets
/// them go. Kept or walked again, they are what a walk finds.
#[test]
fn kept_view_sums_outlast_pages_opened_and_go_when_a_read_link_changes() {
    let mut db = demo::seed(now());
    share_pricing_to(&mut db, "k-000", "tok-a");
    let reader = db
        .open_share("tok-a", "tok-a1".into(), "s1".into(), None, now())
        .unwrap();
    db.record_snapshot(&snap_of(&reader, 4_000, &[("price", 3_000)]), now())
        .unwrap();
    let kept = |db: &Db| {
        db.index
            .get()
            .is_some_and(|ix| ix.sums.contains_key("k-000"))
    };
    assert!(kept(&db), "summed by the snapshot");

    // Pages opened: again by the reader, and by someone they forwarded to.
    db.open_share("tok-a", "unused".into(), "s2".into(), Some("tok-a1"), now())
        .unwrap();
    let forward = db
        .open_share("tok-a1", "tok-b1".into(), "s3".into(), None, now())
        .unwrap();
    share_pricing_to(&mut db, "k-000", "tok-c");
    assert!(kept(&db), "kept through opens and a new link");
    assert_index_current(&db);

    // From elsewhere: a reader's link minted, a counted view below the reader's
    // link (a forward of theirs), a customer changed.
    let mut minted = db.shares["tok-b1"].clone();
    minted.token = "tok-b2".into();
    db.put(Record::Share(minted));
    let mut elsewhere = ViewSession::issue("s4".into(), "tok-a1".into(), "tok-b2".into(), now());
    elsewhere.totals.visible_ms = 6_000;
    db.put(Record::Session(elsewhere));
    let mut customer = db.contacts["k-001"].clone();
    customer.notes = "met at the fair".into();
    db.put(Record::Contact(customer));
    assert!(kept(&db), "kept through records that move no sums");
    assert_index_current(&db);
    db.record_snapshot(&snap_of(&forward, 3_000, &[]), now())
        .unwrap();
    let (signals, _) = db.signals("k-000", now());
    assert_eq!((signals.visits, signals.forwards), (1, 2));
    assert_index_current(&db);

    // The reader's link, read through, given to another customer.
    let mut given = db.shares["tok-a1"].clone();
    given.contact_id = Some("k-001".into());
    db.put(Record::Share(given));
    assert!(!kept(&db), "let go with a read link changed");
    db.record_snapshot(&snap_of(&reader, 5_000, &[("price", 4_000)]), now())
        .unwrap();
    assert!(
        db.index.get().is_some_and(|ix| !ix.sums.is_empty()),
        "summed again"
    );
    assert_index_current(&db);
}

/// An older copy of a view put over the one held (sections and moments gone back)
/// lets the kept sums go: taking a view out of them holds its sections and moments
/// only grow.
#[test]
fn an_older_copy_of_a_view_lets_the_kept_sums_go() {
    let mut db = demo::seed(now());
    share_pricing_to(&mut db, "k-000", "tok-a");
    let reader = db
        .open_share("tok-a", "tok-a1".into(), "s1".into(), None, now())
        .unwrap();
    let issued = db.sessions["s1"].clone();
    let later = now() + Duration::minutes(5);
    db.record_snapshot(&snap_of(&reader, 4_000, &[("price", 3_000)]), later)
        .unwrap();
    assert!(
        db.index
            .get()
            .is_some_and(|ix| ix.sums.contains_key("k-000"))
    );
    assert!(db.sessions["s1"].reads_on_from(&issued));
    assert!(!issued.reads_on_from(&db.sessions["s1"]));
    db.put(Record::Session(issued));
    assert_index_current(&db);
}
