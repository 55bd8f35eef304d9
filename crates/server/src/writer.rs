//! The single writer: every change of every organization is run and committed here,
//! in groups (group commit), on data brought up to date with other servers' commits.

use crate::storage::{Batch, Commit, Prior, Storage, StorageError, StorageResult};
use crate::{Applied, Tenant, WriteJob, held};
use chrono::{DateTime, Utc};
use lianjie_core::store::{Db, ViewKeys};
use std::collections::BTreeMap;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use tokio::sync::{Notify, mpsc};
use tokio::task::JoinHandle;

/// Most jobs one transaction takes: bounds the latency a single commit adds.
const MAX_BATCH: usize = 512;

/// The single writer: takes every job waiting, runs and commits them in one
/// transaction (group commit), then has the relay announce their events. Between
/// groups it saves the tallies of the organizations it changed
/// (`storage/checkpoint.rs`), when asked, once idle for [`SAVE_WHEN_IDLE`], or when
/// writes kept coming for `save_every` since their first unsaved one: its copies
/// then hold exactly what was committed. On PostgreSQL a save then finishes beside
/// the commits that follow (see [`Storage::begin_save`]).
pub(crate) async fn writer(
    storage: Storage,
    mut jobs: mpsc::UnboundedReceiver<WriteJob>,
    mut saves: mpsc::UnboundedReceiver<SaveTallies>,
    save_every: Duration,
    relay: Arc<Notify>,
) {
    let mut batch = Vec::new();
    let mut clock = Clock::default();
    let save_every = save_every.clamp(Duration::from_secs(1), crate::SAVE_TALLIES_AT_MOST_EVERY);
    // Each organization changed since its last save, with when a save is due under
    // writes that go on.
    let mut unsaved: BTreeMap<String, (Arc<Tenant>, Instant)> = BTreeMap::new();
    let mut running = Running::default();
    loop {
        tokio::select! {
            // Jobs waiting commit before a save: a stopping server asks for it once
            // no request runs, and what is still queued moves the head on.
            biased;
            taken = jobs.recv_many(&mut batch, MAX_BATCH) => {
                if taken == 0 {
                    // The server let go of its state (it is stopping): saves are
                    // still asked for, until it lets go of its saver too.
                    running.wait().await;
                    while let Some(asked) = saves.recv().await {
                        asked.run(&storage).await;
                    }
                    return;
                }
            }
            Some(asked) = saves.recv() => {
                running.wait().await;
                asked.run(&storage).await;
                unsaved.clear();
                continue;
            }
            () = tokio::time::sleep(SAVE_WHEN_IDLE), if !unsaved.is_empty() => {
                // Left to finish beside the commits of jobs that come meanwhile.
                for (id, (tenant, _)) in std::mem::take(&mut unsaved) {
                    if running.has(&id) {
                        unsaved.insert(id, (tenant, Instant::now() + SAVE_RETRY));
                    } else if let Saving::Beside(save) = save(&storage, &tenant).await {
                        running.push(tenant, save);
                    }
                }
                continue;
            }
        }
        let tenants: BTreeMap<String, Arc<Tenant>> = batch
            .iter()
            .map(|j| (j.tenant.id.clone(), j.tenant.clone()))
            .collect();
        let mut applied = Vec::new();
        match commit_group(&storage, &tenants, &mut batch, &mut applied, &mut clock).await {
            Ok(()) => {
                for a in applied {
                    (a.answer)(Ok(()));
                }
                relay.notify_one();
            }
            Err(e) => {
                // Answered only once memory agrees with the database again, so the
                // client's next read cannot see what failed.
                resync(&storage, tenants.values()).await;
                for a in applied {
                    (a.answer)(Err(e.clone()));
                }
            }
        }
        // Jobs that never ran (the commit failed before them) drop their answers.
        batch.clear();
        let now = Instant::now();
        for (id, tenant) in tenants {
            unsaved.entry(id).or_insert((tenant, now + save_every));
        }
        for (tenant, landed) in running.ended().await {
            if !landed {
                retry(&mut unsaved, tenant, now);
            }
        }
        // Under writes that never pause a minute, a server killed would otherwise
        // count every view at its next start. One organization a pass, the longest
        // due, so that commits run between saves (on PostgreSQL all but the start
        // of a save runs beside them).
        let due = (unsaved.iter())
            .filter(|(id, (_, at))| *at <= now && !running.has(id))
            .min_by_key(|(_, (_, at))| *at)
            .map(|(id, _)| id.clone());
        if let Some((tenant, _)) = due.and_then(|id| unsaved.remove(&id)) {
            match save(&storage, &tenant).await {
                Saving::Done(true) => {}
                Saving::Done(false) => retry(&mut unsaved, tenant, now),
                Saving::Beside(save) => running.push(tenant, save),
            }
        }
    }
}

/// Has a save that did not land tried again [`SAVE_RETRY`] from `now`, or sooner if
/// one is due sooner.
fn retry(
    unsaved: &mut BTreeMap<String, (Arc<Tenant>, Instant)>,
    tenant: Arc<Tenant>,
    now: Instant,
) {
    let at = now + SAVE_RETRY;
    let entry = unsaved.entry(tenant.id.clone()).or_insert((tenant, at));
    entry.1 = entry.1.min(at);
}

/// When a save under writes that did not land (another server committed while it
/// ran, or storage failed) is tried again.
const SAVE_RETRY: Duration = Duration::from_secs(30);

/// How long the writer waits without a job before it saves the tallies of the
/// organizations it changed: a server that dies later starts from them.
const SAVE_WHEN_IDLE: Duration = Duration::from_secs(60);

/// A request to save these organizations' tallies now (a server stopping).
pub(crate) struct SaveTallies {
    pub tenants: Vec<Arc<Tenant>>,
    pub done: tokio::sync::oneshot::Sender<()>,
}

impl SaveTallies {
    /// Saves them, then says so.
    async fn run(self, storage: &Storage) {
        save_tallies(storage, &self.tenants).await;
        let _ = self.done.send(());
    }
}

/// Saves each organization's tallies now (see [`save`]), waiting for each.
async fn save_tallies(storage: &Storage, tenants: &[Arc<Tenant>]) {
    for tenant in tenants {
        if let Saving::Beside(running) = save(storage, tenant).await {
            let _ = running.await;
        }
    }
}

/// A save begun: done, with whether storage holds the tallies now, or finishing
/// beside the writer's next commits (PostgreSQL), saying so when it ends.
enum Saving {
    Done(bool),
    Beside(JoinHandle<bool>),
}

/// Saves the organization's tallies at the head its copy holds, only if storage is
/// still there (see [`Storage::begin_save`]). A failure costs the next start a
/// count of the views, nothing else: it is reported and passed over.
async fn save(storage: &Storage, tenant: &Arc<Tenant>) -> Saving {
    if tenant.tallies_saved.load(Ordering::Acquire) == tenant.version() {
        return Saving::Done(true);
    }
    let began = Instant::now();
    // Begun before the tallies are taken: on PostgreSQL its moment is then the head
    // this server's last commit left, unless another server committed in the
    // millisecond since (with two servers writing, the serializing below was time
    // enough for one to commit nearly every time).
    let save = match storage.begin_save(&tenant.id).await {
        Ok(save) => save,
        Err(e) => return Saving::Done(reported(tenant, tenant.version(), Err(e), String::new)),
    };
    // Serialized under the lock (0.1-0.2 s at a million views, reads of this
    // organization wait): the tallies and the head must be of one moment.
    let locked = Instant::now();
    let (doc, head) = {
        let db = tenant.lock();
        let head = tenant.version();
        if save.head().is_some_and(|at| at != head) {
            return Saving::Done(reported(tenant, head, Ok(false), String::new));
        }
        (crate::storage::tallies_doc(&db), head)
    };
    let serialized = locked.elapsed();
    let doc = match doc {
        Ok(doc) => doc,
        Err(e) => return Saving::Done(reported(tenant, head, Err(e), String::new)),
    };
    let beside = save.beside_commits();
    let bytes = doc.len();
    let tenant = tenant.clone();
    let finished = async move {
        let saved = save.finish(head, doc).await;
        // The document and the statement's copy of it (30 MB each at 1M views) are
        // gone: without this a busy server held 480-600 MB after saves where a
        // start leaves 340-390 (4-5 ms).
        crate::return_free_memory();
        reported(&tenant, head, saved, || {
            format!(
                " ({:.1} MB) in {:.2} s ({:.2} s under the lock{})",
                bytes as f64 / 1e6,
                began.elapsed().as_secs_f64(),
                serialized.as_secs_f64(),
                if beside {
                    ", the rest beside commits"
                } else {
                    ""
                }
            )
        })
    };
    if beside {
        Saving::Beside(tokio::spawn(finished))
    } else {
        Saving::Done(finished.await)
    }
}

/// Says how a save of `tenant`'s tallies at `head` went (`how` it went when it
/// landed): whether storage holds them now.
fn reported(
    tenant: &Tenant,
    head: i64,
    saved: StorageResult<bool>,
    how: impl FnOnce() -> String,
) -> bool {
    match saved {
        Ok(true) => {
            tenant.tallies_saved.store(head, Ordering::Release);
            eprintln!("{}: saved the tallies at head {head}{}", tenant.id, how());
            true
        }
        Ok(false) => {
            eprintln!(
                "{}: the tallies at head {head} were not saved: the organization moved on meanwhile",
                tenant.id
            );
            false
        }
        Err(e) => {
            eprintln!("saving the tallies of {}: {e}", tenant.id);
            false
        }
    }
}

/// Saves finishing beside the writer's commits, at most one an organization.
#[derive(Default)]
struct Running(Vec<(Arc<Tenant>, JoinHandle<bool>)>);

impl Running {
    fn push(&mut self, tenant: Arc<Tenant>, save: JoinHandle<bool>) {
        self.0.push((tenant, save));
    }

    fn has(&self, org: &str) -> bool {
        self.0.iter().any(|(t, _)| t.id == org)
    }

    /// The organizations whose saves ended since asked, with whether each landed.
    async fn ended(&mut self) -> Vec<(Arc<Tenant>, bool)> {
        let (ended, running) = std::mem::take(&mut self.0)
            .into_iter()
            .partition(|(_, save)| save.is_finished());
        self.0 = running;
        let mut landed = Vec::with_capacity(ended.len());
        for (tenant, save) in ended {
            landed.push((tenant, save.await.unwrap_or(false)));
        }
        landed
    }

    /// Waits for every save still running: before another save of the same
    /// organizations, which would fail beside it.
    async fn wait(&mut self) {
        for (_, save) in self.0.drain(..) {
            let _ = save.await;
        }
    }
}

/// Takes the organizations' next heads, brings their copies up to date with what
/// other servers committed, reads in what the jobs name, runs the jobs in order,
/// and commits what they changed.
async fn commit_group(
    storage: &Storage,
    tenants: &BTreeMap<String, Arc<Tenant>>,
    jobs: &mut Vec<WriteJob>,
    applied: &mut Vec<Applied>,
    clock: &mut Clock,
) -> Result<(), String> {
    let text = |e: StorageError| e.to_string();
    let mut commit = storage
        .begin(tenants.keys().map(String::as_str))
        .await
        .map_err(text)?;
    let mut read: BTreeMap<String, Read> = BTreeMap::new();
    for (org, tenant) in tenants {
        let head = commit.head(org);
        // Until the copy holds every commit before this one (a catch-up elsewhere
        // may move it meanwhile; none can pass head - 1, which this commit holds).
        while let Some(known) = tenant.behind(head - 1) {
            let changes = commit
                .changes_after(org, known, |r| tenant.views_for(r))
                .await
                .map_err(text)?;
            tenant.apply(changes, known, head - 1);
        }
        let keys: Vec<String> = jobs
            .iter()
            .filter(|j| &j.tenant.id == org)
            .flat_map(|j| j.message_keys.iter().cloned())
            .collect();
        if !keys.is_empty() {
            let stored = commit.messages_keyed(org, &keys).await.map_err(text)?;
            tenant.lock().add_messages(stored);
        }
        // The views every job names, read for the whole group at once: a round or
        // two of statements, not a round a job.
        let reading = read.entry(org.clone()).or_default();
        let named = jobs.iter().filter(|j| &j.tenant.id == org);
        let needs: Vec<&held::ViewsNeeded> = named.filter_map(|j| j.views.as_ref()).collect();
        reading
            .hold(&mut commit, tenant, |db, now| {
                needs.iter().fold(ViewKeys::default(), |mut keys, needs| {
                    keys.extend(needs(db, now));
                    keys
                })
            })
            .await
            .map_err(text)?;
    }
    let mut ran = Ok(());
    for job in jobs.drain(..) {
        // Named again of the copy as the jobs before this one left it.
        if let (Some(needs), Some(reading)) = (&job.views, read.get_mut(&job.tenant.id)) {
            reading
                .hold(&mut commit, &job.tenant, needs)
                .await
                .map_err(text)?;
        }
        let now = clock.tick();
        let mut db = job.tenant.lock();
        match (job.run)(&mut db, now) {
            Ok(done) => applied.extend(done),
            Err(e) => {
                ran = Err(e);
                break;
            }
        }
    }
    // What the operations wrote is in their rows already.
    for tenant in tenants.values() {
        let mut db = tenant.lock();
        db.forget_messages();
        db.forget_views();
    }
    ran?;
    let heads: Vec<(Arc<Tenant>, i64)> = tenants
        .iter()
        .map(|(org, t)| (t.clone(), commit.head(org)))
        .collect();
    let batches: Vec<&Batch> = applied.iter().map(|a| &a.batch).collect();
    let priors = Prior::of(&batches, |org, id| read.get(org)?.docs.get(id).cloned());
    // Before the commit ends: a catch-up that saw it in storage first would read
    // these changes back and count their views again.
    for (tenant, head) in heads {
        tenant.committed_at(head);
    }
    commit.finish(&batches, &priors).await.map_err(text)?;
    Ok(())
}

/// The views a group read of one organization: the keys asked, and each view's
/// document as stored (what a change to it logs as its prior).
#[derive(Default)]
struct Read {
    asked: ViewKeys,
    docs: HashMap<String, String>,
}

impl Read {
    /// Holds on `tenant`'s copy what `needs` names that was not read yet, asked
    /// again of the copy holding it until it names nothing more.
    async fn hold(
        &mut self,
        commit: &mut Commit,
        tenant: &Tenant,
        needs: impl Fn(&Db, DateTime<Utc>) -> ViewKeys,
    ) -> Result<(), StorageError> {
        loop {
            let more = needs(&tenant.lock(), Utc::now()).without(&self.asked);
            if more.is_empty() {
                return Ok(());
            }
            let found = commit.views(&tenant.id, &more).await?;
            self.asked.extend(more);
            let views = found.into_iter().map(|v| {
                self.docs.entry(v.view.id.clone()).or_insert(v.doc);
                v.view
            });
            tenant.lock().hold_views(views);
        }
    }
}

/// The time each write runs at: now, and later than the one before, so what one
/// server writes in one order (two messages sent in one commit) keeps that order.
#[derive(Default)]
struct Clock(Option<DateTime<Utc>>);

impl Clock {
    fn tick(&mut self) -> DateTime<Utc> {
        let now = Utc::now();
        let now = match self.0 {
            Some(last) if now <= last => last + chrono::Duration::nanoseconds(1),
            _ => now,
        };
        self.0 = Some(now);
        now
    }
}

/// After a failed commit, the organizations' memory may hold changes the database
/// does not: it is read again from the database. Waits for the database as long as
/// it takes: serving from memory that disagrees with it would be worse.
async fn resync<'t>(storage: &Storage, tenants: impl Iterator<Item = &'t Arc<Tenant>>) {
    for tenant in tenants {
        let (fresh, head) = loop {
            match storage.load_org(&tenant.id).await {
                Ok(loaded) => break (loaded.db, loaded.head),
                Err(e) => {
                    eprintln!("reloading {} after a failed commit: {e}", tenant.id);
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        };
        let mut db = tenant.lock();
        *db = fresh;
        tenant.version.store(head, Ordering::Release);
    }
}
