//! The public pool (公海) in the store: pools an admin sets up, customers claimed
//! from them and given back, locks, and the rules' run that sends neglected
//! customers back (`crate::pool` holds the rules themselves). Every change of
//! owner is logged for the customer's timeline.

use super::*;
use crate::crm::{Entry, OwnerChange, POOL_RULES_AUTHOR, TaskSource};
use crate::pool::{ClaimFacts, ClaimRefused, Pool, RecycleFacts, Verdict, check_claim};
use crate::validate::FieldProblem;

/// One pool as a member of staff sees it: the pool, how many customers wait in it,
/// and where the caller stands against its claim rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolSummary {
    pub pool: Pool,
    pub waiting: u32,
    pub claimed_today: u32,
    pub owned: u32,
}

/// A customer the rules will send back soon (or would have, but they are reading).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueBack {
    pub contact: Contact,
    pub verdict: Verdict,
}

/// Giving a customer back to the pool, as sent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseCustomer {
    /// The pool they go to; the owner's first pool when not given.
    #[serde(default)]
    pub pool_id: Option<String>,
    pub reason: String,
    /// The log entry's id, chosen by the client so a retry logs once.
    pub log_id: String,
}

/// Claiming a customer from the pool, as sent: the log entry's id, chosen by the
/// client so a retry claims once.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimCustomer {
    pub log_id: String,
}

/// Locking a customer against going back to the pool, or unlocking them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lock {
    pub locked: bool,
}

/// The organization's pools, as an admin sets them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgPools {
    pub pools: Vec<Pool>,
}

/// What one run of the pool's rules did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolRun {
    /// Sent back to the pool.
    pub recycled: Vec<String>,
    /// Due but reading now: kept, and a task made for the owner.
    pub held: Vec<String>,
}

impl PoolRun {
    /// What a run tells the workbench: the customers it moved or held, if any.
    pub fn event(&self) -> Option<crate::api::Event> {
        let ids: Vec<String> = self.recycled.iter().chain(&self.held).cloned().collect();
        (!ids.is_empty()).then_some(crate::api::Event::Customers { ids })
    }
}

/// What the rules read about every customer: their last follow-up (kept in the
/// lookups), their last won deal (one pass over the deals), and the pool each
/// member of staff's customers go back to (looked up once, not per customer).
pub(super) struct History<'a> {
    pub(super) last_follow_up: &'a HashMap<String, DateTime<Utc>>,
    last_won: HashMap<String, DateTime<Utc>>,
    pools: HashMap<&'a str, Option<&'a Pool>>,
}

impl Db {
    pub(super) fn history(&self) -> History<'_> {
        let mut last_won: HashMap<String, DateTime<Utc>> = HashMap::new();
        for d in self.deals.values() {
            if d.stage == crate::deals::DealStage::Won {
                let at = last_won.entry(d.contact_id.clone()).or_insert(d.moved_at);
                *at = (*at).max(d.moved_at);
            }
        }
        let pools = (self.users.iter())
            .map(|u| (u.id.as_str(), self.pool_of(u.department_id.as_deref())))
            .collect();
        History {
            last_follow_up: &self.ix().followed_up,
            last_won,
            pools,
        }
    }

    /// The pool a member of staff's customers go back to: the first their
    /// department uses.
    fn pool_of_owner(&self, owner_id: &str) -> Option<&Pool> {
        let department = self
            .users
            .iter()
            .find(|u| u.id == owner_id)
            .and_then(|u| u.department_id.as_deref());
        self.pool_of(department)
    }

    fn pool_of<'a>(&'a self, department: Option<&'a str>) -> Option<&'a Pool> {
        self.org.pools_of(department).next()
    }

    /// The rules' verdict on owned customer `c` at `now`, with their owner's pool;
    /// `None` for a customer with no owner or whose owner uses no pool.
    pub(super) fn verdict_on<'s>(
        &'s self,
        c: &Contact,
        history: &History<'s>,
        now: DateTime<Utc>,
    ) -> Option<(&'s Pool, Verdict)> {
        let owner = c.owner_id.as_deref()?;
        let pool = match history.pools.get(owner) {
            Some(pool) => (*pool)?,
            None => self.pool_of_owner(owner)?,
        };
        let facts = RecycleFacts {
            owned_since: c.owned_since.unwrap_or(c.created_at),
            last_follow_up_at: history.last_follow_up.get(&c.id).copied(),
            last_won_deal_at: history.last_won.get(&c.id).copied(),
            locked: c.locked,
            intent: c.intent,
            last_seen_at: c.last_seen_at,
        };
        Some((pool, crate::pool::verdict(&pool.rules, &facts, now)))
    }

    /// Sets the organization's pools (admins). A pool that still holds customers
    /// cannot be removed (422 `pools` `in_use`).
    pub fn set_pools(&mut self, caller: &Caller, pools: Vec<Pool>) -> StoreResult<Vec<Pool>> {
        if !caller.may(Action::ConfigureStages) {
            return Err(StoreError::Forbidden(Action::ConfigureStages));
        }
        let pools: Vec<Pool> = pools
            .into_iter()
            .map(|p| Pool {
                name: p.name.trim().to_owned(),
                ..p
            })
            .collect();
        let departments: Vec<&str> = self.org.departments.iter().map(|d| d.id.as_str()).collect();
        crate::pool::check_pools(&pools, &departments)?;
        let in_use = self.contacts.values().any(|c| {
            c.merged.is_none()
                && c.pool_id
                    .as_ref()
                    .is_some_and(|p| !pools.iter().any(|kept| &kept.id == p))
        });
        if in_use {
            let mut errors = FieldErrors::default();
            errors.check("pools", Err(FieldProblem::InUse));
            return Err(errors.into());
        }
        self.org.pools = pools.clone();
        self.touch(Change::Org);
        Ok(pools)
    }

    /// The pools `caller` uses, each with its waiting customers and the caller's
    /// standing (claimed today, owned).
    pub fn pools_for(&self, caller: &Caller, now: DateTime<Utc>) -> Vec<PoolSummary> {
        let (claimed_today, owned) = self.standing(&caller.user_id, now);
        self.org
            .pools
            .iter()
            .filter(|p| caller.uses_pool(&p.id))
            .map(|p| PoolSummary {
                pool: p.clone(),
                waiting: self
                    .contacts
                    .values()
                    .filter(|c| {
                        c.merged.is_none()
                            && c.owner_id.is_none()
                            && c.pool_id.as_ref() == Some(&p.id)
                    })
                    .count() as u32,
                claimed_today,
                owned,
            })
            .collect()
    }

    /// How many customers `user` claimed today (UTC) and how many they own.
    fn standing(&self, user: &str, now: DateTime<Utc>) -> (u32, u32) {
        let today = now.date_naive();
        let claimed = self
            .log
            .values()
            .filter(|e| {
                e.author_id == user
                    && e.at.date_naive() == today
                    && matches!(
                        e.entry,
                        Entry::Owner {
                            how: OwnerChange::Claimed,
                            ..
                        }
                    )
            })
            .count() as u32;
        let owned = self
            .contacts
            .values()
            .filter(|c| c.merged.is_none() && c.owner_id.as_deref() == Some(user))
            .count() as u32;
        (claimed, owned)
    }

    /// A rep claims a customer from a pool they use, within its rules (422 `claim`
    /// with the reason otherwise). A retry with the same log id returns the
    /// customer as claimed.
    pub fn claim(
        &mut self,
        caller: &Caller,
        id: &str,
        log_id: String,
        now: DateTime<Utc>,
    ) -> StoreResult<Contact> {
        if !caller.may(Action::EditCustomers) {
            return Err(StoreError::Forbidden(Action::EditCustomers));
        }
        let c = self.visible_contact(caller, id)?;
        if self.logged_by(&log_id, id, &caller.user_id) {
            return Ok(c.clone());
        }
        self.log_id_free(&log_id, id, &caller.user_id)?;
        let pool = match (&c.owner_id, &c.pool_id) {
            (None, Some(p)) if c.merged.is_none() && caller.uses_pool(p) => self.org.pool(p),
            _ => None,
        };
        let Some(rules) = pool.map(|p| p.rules) else {
            return Err(claim_refused(None));
        };
        let (claimed_today, owned) = self.standing(&caller.user_id, now);
        let facts = ClaimFacts {
            claimed_today,
            owned,
            released_by_them_at: c
                .released
                .as_ref()
                .filter(|r| r.owner_id == caller.user_id)
                .map(|r| r.at),
        };
        check_claim(&rules, &facts, now).map_err(|r| claim_refused(Some(r)))?;
        self.change_owner(
            id,
            Some(caller.user_id.clone()),
            None,
            OwnerLog {
                id: log_id,
                author: caller.user_id.clone(),
                how: OwnerChange::Claimed,
                reason: String::new(),
            },
            now,
        );
        self.contact(id).cloned()
    }

    /// Gives a customer back to a pool (their owner, a manager over them, an
    /// admin), with a reason.
    pub fn release(
        &mut self,
        caller: &Caller,
        id: &str,
        release: ReleaseCustomer,
        now: DateTime<Utc>,
    ) -> StoreResult<Contact> {
        let c = self.editable_contact(caller, id)?;
        if self.logged_by(&release.log_id, id, &caller.user_id) {
            return Ok(c.clone());
        }
        let mut errors = FieldErrors::default();
        errors.check("reason", crate::pool::check_reason(&release.reason));
        let pool = match &release.pool_id {
            Some(p) => self
                .org
                .pool(p)
                .filter(|_| caller.uses_pool(p) || caller.is_admin()),
            None => c.owner_id.as_deref().and_then(|o| self.pool_of_owner(o)),
        };
        if pool.is_none() {
            errors.check("pool_id", Err(FieldProblem::Range));
        }
        if c.owner_id.is_none() {
            errors.check("owner", Err(FieldProblem::Range));
        }
        errors.into_result()?;
        self.log_id_free(&release.log_id, id, &caller.user_id)?;
        let pool_id = pool.map(|p| p.id.clone());
        self.change_owner(
            id,
            None,
            pool_id,
            OwnerLog {
                id: release.log_id,
                author: caller.user_id.clone(),
                how: OwnerChange::Returned,
                reason: release.reason.trim().to_owned(),
            },
            now,
        );
        self.contact(id).cloned()
    }

    /// Locks a customer against going back to the pool, or unlocks them: their
    /// owner, a manager over them or an admin; at most the pool's
    /// `locks_per_rep` locked customers per owner (422 `locked` otherwise).
    pub fn set_lock(&mut self, caller: &Caller, id: &str, locked: bool) -> StoreResult<Contact> {
        let c = self.editable_contact(caller, id)?;
        if c.locked == locked {
            return Ok(c.clone());
        }
        if locked {
            let owner = c.owner_id.clone().unwrap_or_default();
            let limit = self.pool_of_owner(&owner).map(|p| p.rules.locks_per_rep);
            let held = self
                .contacts
                .values()
                .filter(|k| k.locked && k.merged.is_none() && k.owner_id.as_deref() == Some(&owner))
                .count() as u32;
            if limit.is_none_or(|limit| held >= limit) {
                let mut errors = FieldErrors::default();
                errors.check("locked", Err(FieldProblem::Range));
                return Err(errors.into());
            }
        }
        if let Some(c) = self.contacts.get_mut(id) {
            c.locked = locked;
        }
        self.touch(Change::Contact(id.to_owned()));
        self.contact(id).cloned()
    }

    /// The customers in `caller`'s scope the rules will send back within their
    /// warning time, or would have but they are reading now; soonest first.
    pub fn due_back(&self, caller: &Caller, now: DateTime<Utc>) -> Vec<DueBack> {
        let history = self.history();
        let mut out: Vec<DueBack> = self
            .contacts
            .values()
            .filter(|c| {
                c.merged.is_none() && c.owner_id.is_some() && caller.covers(c.owner_id.as_deref())
            })
            .filter_map(|c| {
                let (_, verdict) = self.verdict_on(c, &history, now)?;
                (verdict != Verdict::Keep).then(|| DueBack {
                    contact: c.clone(),
                    verdict,
                })
            })
            .collect();
        out.sort_by(|a, b| (a.verdict.due(), &a.contact.id).cmp(&(b.verdict.due(), &b.contact.id)));
        out
    }

    /// An admin runs the rules now (anyone else is refused), as [`Db::run_pool_rules`].
    pub fn run_pool_rules_as(
        &mut self,
        caller: &Caller,
        now: DateTime<Utc>,
    ) -> StoreResult<PoolRun> {
        if !caller.may(Action::ConfigureStages) {
            return Err(StoreError::Forbidden(Action::ConfigureStages));
        }
        Ok(self.run_pool_rules(now))
    }

    /// Runs the pool's rules at `now` as the job does: customers due back go to
    /// their owner's pool, logged as recycled; those due but reading now stay,
    /// and their owner gets a task to follow up (one per customer and due time).
    /// Safe to run again: what went back has no owner, and the task is there.
    pub fn run_pool_rules(&mut self, now: DateTime<Utc>) -> PoolRun {
        let history = self.history();
        let verdicts: Vec<(String, String, String, Verdict)> = self
            .contacts
            .values()
            .filter(|c| c.merged.is_none())
            .filter_map(|c| {
                let (pool, verdict) = self.verdict_on(c, &history, now)?;
                Some((
                    c.id.clone(),
                    c.owner_id.clone().unwrap_or_default(),
                    pool.id.clone(),
                    verdict,
                ))
            })
            .collect();
        let mut run = PoolRun::default();
        for (id, owner, pool, verdict) in verdicts {
            match verdict {
                Verdict::Recycle { due } => {
                    self.change_owner(
                        &id,
                        None,
                        Some(pool),
                        OwnerLog {
                            id: format!("recycled-{id}-{}", due.timestamp()),
                            author: POOL_RULES_AUTHOR.to_owned(),
                            how: OwnerChange::Recycled,
                            reason: String::new(),
                        },
                        now,
                    );
                    run.recycled.push(id);
                }
                Verdict::Engaged { due } => {
                    let task_id = format!("hold-{id}-{}", due.timestamp());
                    if !self.tasks.contains_key(&task_id) {
                        let title = self
                            .contacts
                            .get(&id)
                            .map(|c| c.name.clone())
                            .unwrap_or_default();
                        self.tasks.insert(
                            task_id.clone(),
                            Task {
                                id: task_id.clone(),
                                owner_id: owner,
                                contact_id: Some(id.clone()),
                                title,
                                due_at: now,
                                created_at: now,
                                done_at: None,
                                source: TaskSource::PoolHold { due_at: due },
                            },
                        );
                        self.touch(Change::Task(task_id));
                        run.held.push(id);
                    }
                }
                Verdict::Keep | Verdict::Warn { .. } => {}
            }
        }
        run
    }

    /// Moves customer `id` to `owner` (or to `pool` when nobody) and logs how.
    pub(super) fn change_owner(
        &mut self,
        id: &str,
        owner: Option<String>,
        pool: Option<String>,
        log: OwnerLog,
        now: DateTime<Utc>,
    ) {
        let Some(c) = self.contacts.get_mut(id) else {
            return;
        };
        let from = c.owner_id.clone();
        if let Some(old) = &from
            && owner.is_none()
        {
            c.released = Some(crate::contact::Released {
                owner_id: old.clone(),
                at: now,
            });
        }
        c.owned_since = owner.as_ref().map(|_| now);
        c.pool_id = if owner.is_some() { None } else { pool };
        c.owner_id = owner.clone();
        c.locked = false;
        self.touch(Change::Contact(id.to_owned()));
        self.add_log(LogEntry {
            id: log.id,
            contact_id: id.to_owned(),
            author_id: log.author,
            at: now,
            entry: Entry::Owner {
                how: log.how,
                from,
                to: owner,
                reason: log.reason,
            },
        });
    }
}

/// The log entry a change of owner writes.
pub(super) struct OwnerLog {
    pub id: String,
    pub author: String,
    pub how: OwnerChange,
    pub reason: String,
}

/// A claim refused, as a field error the app words: `claim` `limit` (the day's
/// claims are used up), `owned` `limit` (the rep holds the most they may),
/// `claim` `not_yet` (they gave this customer back too recently), `claim` `range`
/// (not a customer in a pool the caller uses).
fn claim_refused(refused: Option<ClaimRefused>) -> StoreError {
    let (field, problem) = match refused {
        Some(ClaimRefused::DailyLimit { .. }) => ("claim", FieldProblem::Limit),
        Some(ClaimRefused::TooMany { .. }) => ("owned", FieldProblem::Limit),
        Some(ClaimRefused::TooSoon { .. }) => ("claim", FieldProblem::NotYet),
        None => ("claim", FieldProblem::Range),
    };
    let mut errors = FieldErrors::default();
    errors.check(field, Err(problem));
    errors.into()
}
