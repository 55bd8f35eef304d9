//! Deals: opened on a customer the caller may change, moved through the pipeline,
//! each change on the customer's timeline; the pipeline by stage with its totals.

use super::*;
use crate::crm::{Entry, LogEntry};
use crate::deals::{
    Deal, DealEdit, DealStage, NewDeal, PipelineColumn, PipelineDeal, PipelineQuery, pipeline,
};
use crate::validate::FieldProblem;

impl Db {
    fn log_deal(&mut self, author: &str, deal: &Deal, log_id: String, now: DateTime<Utc>) {
        self.add_log(LogEntry {
            id: log_id,
            contact_id: deal.contact_id.clone(),
            author_id: author.to_owned(),
            at: now,
            entry: Entry::Deal {
                deal_id: deal.id.clone(),
                title: deal.title.clone(),
                amount_fen: deal.amount_fen,
                stage: deal.stage,
            },
        });
    }

    /// Opens a deal on a customer the caller may change, owned by the customer's
    /// owner. A retry with the same id returns the deal opened the first time.
    pub fn create_deal(
        &mut self,
        caller: &Caller,
        new: NewDeal,
        now: DateTime<Utc>,
    ) -> StoreResult<Deal> {
        if let Some(done) = self.deals.get(&new.id) {
            if caller.covers(Some(&done.owner_id)) && done.contact_id == new.contact_id {
                return Ok(done.clone());
            }
            let mut e = FieldErrors::default();
            e.check("id", Err(FieldProblem::Taken));
            return Err(e.into());
        }
        new.validate()?;
        let contact = self.editable_contact(caller, &new.contact_id)?;
        let owner = contact
            .owner_id
            .clone()
            .unwrap_or_else(|| caller.user_id.clone());
        let stage = DealStage::default();
        let deal = Deal {
            id: new.id.clone(),
            contact_id: new.contact_id,
            owner_id: owner,
            title: new.title.trim().to_owned(),
            amount_fen: new.amount_fen,
            expected_close: new.expected_close,
            probability: new.probability.unwrap_or(stage.default_probability()),
            stage,
            created_at: now,
            moved_at: now,
        };
        self.touch(Change::Deal(deal.id.clone()));
        self.deals.insert(deal.id.clone(), deal.clone());
        self.log_deal(&caller.user_id, &deal, format!("{}-open", deal.id), now);
        Ok(deal)
    }

    /// A deal the caller may change: one they cover, if they keep customers.
    fn editable_deal(&mut self, caller: &Caller, id: &str) -> StoreResult<&mut Deal> {
        if !caller.may(Action::EditCustomers) {
            return Err(StoreError::Forbidden(Action::EditCustomers));
        }
        self.deals
            .get_mut(id)
            .filter(|d| caller.covers(Some(&d.owner_id)))
            .ok_or(StoreError::NotFound("deal"))
    }

    /// Moves a deal the caller covers to `stage`; its probability becomes the
    /// stage's. Logged on the customer's timeline as `log_id`.
    pub fn move_deal(
        &mut self,
        caller: &Caller,
        id: &str,
        stage: DealStage,
        log_id: String,
        now: DateTime<Utc>,
    ) -> StoreResult<Deal> {
        let contact_id = self.editable_deal(caller, id)?.contact_id.clone();
        self.log_id_free(&log_id, &contact_id, &caller.user_id)?;
        let deal = self.editable_deal(caller, id)?;
        if deal.stage == stage {
            return Ok(deal.clone());
        }
        deal.stage = stage;
        deal.probability = stage.default_probability();
        deal.moved_at = now;
        let deal = deal.clone();
        self.touch(Change::Deal(id.to_owned()));
        self.log_deal(&caller.user_id, &deal, log_id, now);
        Ok(deal)
    }

    /// Changes a deal's terms. A new title or amount joins the customer's story
    /// (logged as `edit.log_id`); the stage moves only on the pipeline.
    pub fn update_deal(
        &mut self,
        caller: &Caller,
        id: &str,
        edit: DealEdit,
        now: DateTime<Utc>,
    ) -> StoreResult<Deal> {
        let contact_id = self.editable_deal(caller, id)?.contact_id.clone();
        edit.validate()?;
        self.log_id_free(&edit.log_id, &contact_id, &caller.user_id)?;
        let deal = self.editable_deal(caller, id)?;
        let title = edit.title.trim().to_owned();
        let told = deal.title != title || deal.amount_fen != edit.amount_fen;
        let before = deal.clone();
        deal.title = title;
        deal.amount_fen = edit.amount_fen;
        deal.expected_close = edit.expected_close;
        deal.probability = edit.probability;
        let deal = deal.clone();
        if deal != before {
            self.touch(Change::Deal(id.to_owned()));
        }
        if told {
            self.log_deal(&caller.user_id, &deal, edit.log_id, now);
        }
        Ok(deal)
    }

    /// The deals the caller covers (or their own), by stage, with each column's
    /// total and weighted total.
    pub fn pipeline_for(
        &self,
        caller: &Caller,
        query: PipelineQuery,
        now: DateTime<Utc>,
    ) -> Vec<PipelineColumn> {
        pipeline(
            self.deals
                .values()
                .filter(|d| {
                    if query.mine {
                        d.owner_id == caller.user_id
                    } else {
                        caller.covers(Some(&d.owner_id))
                    }
                })
                .map(|d| PipelineDeal {
                    deal: d.clone(),
                    contact_name: self
                        .contacts
                        .get(&d.contact_id)
                        .map(|c| c.name.clone())
                        .unwrap_or_default(),
                    stale: d.is_stale(now),
                })
                .collect(),
        )
    }

    /// A customer's deals, newest first, if the caller may see the customer.
    pub fn deals_of(&self, caller: &Caller, contact_id: &str) -> StoreResult<Vec<Deal>> {
        self.visible_contact(caller, contact_id)?;
        let mut out: Vec<Deal> = self
            .deals
            .values()
            .filter(|d| d.contact_id == contact_id)
            .cloned()
            .collect();
        out.sort_by(|a, b| {
            b.created_at
                .cmp(&a.created_at)
                .then_with(|| a.id.cmp(&b.id))
        });
        Ok(out)
    }
}
