//! Importing customers from a file: every row created, merged into the customer it
//! reaches, or skipped with the reason; nothing is kept unless the request commits.

use super::*;
use crate::crm::tidy_tags;
use crate::customer_csv::{
    Column, ImportReport, ImportRows, MAX_IMPORT_ROWS, OnDuplicate, RowOutcome, RowResult,
    SkipReason, merge_details, row_details,
};
use crate::validate::FieldProblem;

const MAX_IMPORT_ID: usize = 48;
const MAX_COLUMNS: usize = 100;

/// Who a row's customer is reached by (phone, WeChat ID, email).
type ReachKey = (Channel, String);

/// The customers an import changes, before they are kept.
struct Scratch {
    /// Customers made or merged into so far, by id.
    touched: BTreeMap<String, Contact>,
    /// Who each way of reaching someone reaches, among the customers the caller
    /// sees and those the file made so far.
    reach: HashMap<ReachKey, String>,
}

impl Db {
    /// Imports (or, without `commit`, previews) rows of a customer file for `caller`.
    pub fn import_customers(
        &mut self,
        caller: &Caller,
        req: &ImportRows,
        now: DateTime<Utc>,
    ) -> StoreResult<ImportReport> {
        let (report, touched) = self.plan_import(caller, req, now)?;
        if req.commit {
            for contact in touched {
                self.touch(Change::Contact(contact.id.clone()));
                let id = contact.id.clone();
                self.contacts.insert(id.clone(), contact);
                self.note_contact(&id);
            }
        }
        Ok(report)
    }

    /// What importing rows of a customer file would do, and the customers it would
    /// make or change; nothing is kept. Rows are taken in order, so a later row
    /// reaching someone an earlier row made is a duplicate of them, as it is in a
    /// later request of the same file.
    pub fn plan_import(
        &self,
        caller: &Caller,
        req: &ImportRows,
        now: DateTime<Utc>,
    ) -> StoreResult<(ImportReport, Vec<Contact>)> {
        if !caller.may(Action::EditCustomers) {
            return Err(StoreError::Forbidden(Action::EditCustomers));
        }
        let default_owner = req
            .owner_id
            .clone()
            .unwrap_or_else(|| caller.user_id.clone());
        let mut errors = FieldErrors::default();
        errors
            .check(
                "id",
                crate::validate::public_id(&req.id).and_then(|()| {
                    // Room for `-{row}` in a customer's id.
                    crate::validate::max_len(&req.id, MAX_IMPORT_ID)
                }),
            )
            .check(
                "rows",
                // Row numbers name customers: each once, in order.
                if req.rows.is_empty()
                    || req.rows.len() > MAX_IMPORT_ROWS
                    || req.rows.windows(2).any(|w| w[0].row >= w[1].row)
                {
                    Err(FieldProblem::Range)
                } else {
                    Ok(())
                },
            )
            .check(
                "columns",
                if !req.columns.contains(&Some(Column::Name)) {
                    Err(FieldProblem::Required)
                } else if req.columns.len() > MAX_COLUMNS {
                    Err(FieldProblem::Range)
                } else {
                    Ok(())
                },
            )
            .check("owner_id", self.owner_for(caller, &default_owner));
        errors.into_result()?;

        let mut scratch = Scratch {
            touched: BTreeMap::new(),
            reach: HashMap::new(),
        };
        // The oldest customer first, so the same file always meets the same one
        // where two already share a phone, WeChat ID or email.
        let mut seen: Vec<&Contact> = self
            .contacts
            .values()
            .filter(|c| c.merged.is_none() && self.sees_contact(caller, c))
            .collect();
        seen.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        for c in seen {
            for key in c.reach() {
                scratch.reach.entry(key).or_insert_with(|| c.id.clone());
            }
        }
        let rows = req
            .rows
            .iter()
            .map(|row| RowOutcome {
                row: row.row,
                result: self.import_row(caller, req, row, &default_owner, &mut scratch, now),
            })
            .collect();
        Ok((
            ImportReport { rows },
            scratch.touched.into_values().collect(),
        ))
    }

    fn import_row(
        &self,
        caller: &Caller,
        req: &ImportRows,
        row: &crate::customer_csv::ImportRow,
        default_owner: &str,
        scratch: &mut Scratch,
        now: DateTime<Utc>,
    ) -> RowResult {
        let skip = |reason| RowResult::Skipped { reason };
        if row.cells.iter().all(|c| c.trim().is_empty()) {
            return skip(SkipReason::Blank);
        }
        if row.cells.len() != req.columns.len() {
            return skip(SkipReason::Cells {
                found: row.cells.len(),
                expected: req.columns.len(),
            });
        }
        let (details, owner_named) = row_details(&req.columns, &row.cells);
        let id = format!("{}-{}", req.id, row.row);
        // A part of the file sent again: this row's customer is already made.
        if self.contacts.contains_key(&id) {
            return match self.visible_contact(caller, &id) {
                Ok(c) if c.name == details.name.trim() => RowResult::Created { id },
                _ => {
                    let mut errors = FieldErrors::default();
                    errors.check("id", Err(FieldProblem::Taken));
                    skip(SkipReason::Invalid { errors })
                }
            };
        }
        if let Err(errors) = details.validate() {
            return skip(SkipReason::Invalid { errors });
        }
        if let Err(problem) = self.listed_tags(&tidy_tags(&details.tags), &[]) {
            let mut errors = FieldErrors::default();
            errors.check("tags", Err(problem));
            return skip(SkipReason::Invalid { errors });
        }
        let details = details.tidy();
        let owner = if owner_named.is_empty() {
            default_owner.to_owned()
        } else {
            match self.colleague_named(caller, &owner_named) {
                Some(id) => id,
                None => return skip(SkipReason::Owner { given: owner_named }),
            }
        };
        let made = self.new_customer(id, details.clone(), owner, now);
        let mut reached: Vec<&String> = made
            .reach()
            .iter()
            .filter_map(|k| scratch.reach.get(k))
            .collect();
        reached.sort();
        reached.dedup();
        let found: Vec<Contact> = reached
            .into_iter()
            .filter_map(|id| scratch.touched.get(id).or_else(|| self.contacts.get(id)))
            .cloned()
            .collect();
        let (contact, result) = match found.as_slice() {
            [] => {
                let result = RowResult::Created {
                    id: made.id.clone(),
                };
                (made, result)
            }
            [into] => {
                // Customers this file made are the caller's to change (their owner
                // was checked); others only when the caller covers their owner.
                if !caller.covers(into.owner_id.as_deref()) {
                    return skip(SkipReason::NotYours {
                        name: into.name.clone(),
                    });
                }
                if req.on_duplicate == OnDuplicate::Skip {
                    return skip(SkipReason::Duplicate {
                        id: into.id.clone(),
                        name: into.name.clone(),
                    });
                }
                let result = RowResult::Merged {
                    id: into.id.clone(),
                    name: into.name.clone(),
                };
                let mut into = into.clone();
                if !merge_details(&mut into, &details) {
                    return result;
                }
                (into, result)
            }
            // Its phone reaches one customer and its email another: which one it
            // is, a person says (merging would give one of them the other's).
            several => {
                return skip(SkipReason::Ambiguous {
                    names: several.iter().map(|c| c.name.clone()).collect(),
                });
            }
        };
        for key in contact.reach() {
            scratch
                .reach
                .entry(key)
                .or_insert_with(|| contact.id.clone());
        }
        scratch.touched.insert(contact.id.clone(), contact);
        result
    }

    /// An active colleague `caller` covers, by name or email.
    fn colleague_named(&self, caller: &Caller, named: &str) -> Option<String> {
        self.users
            .iter()
            .find(|u| {
                u.active
                    && caller.covers(Some(&u.id))
                    && (u.name == named || u.email.eq_ignore_ascii_case(named))
            })
            .map(|u| u.id.clone())
    }
}
