//! Cards and content: reading and saving them (who may change what is core's rule).

use super::*;

impl Db {
    pub fn card(&self, id: &str) -> StoreResult<&Card> {
        self.cards.get(id).ok_or(StoreError::NotFound("card"))
    }

    pub fn save_card(
        &mut self,
        caller: &Caller,
        mut card: Card,
        now: DateTime<Utc>,
    ) -> StoreResult<Card> {
        let existing = self.card(&card.id)?;
        if !caller.edits_card(&existing.owner_id) {
            return Err(StoreError::Forbidden(Action::EditCard));
        }
        card.validate()?;
        card.owner_id.clone_from(&existing.owner_id);
        card.updated_at = Some(now);
        self.cards.insert(card.id.clone(), card.clone());
        self.touch(Change::Card(card.id.clone()));
        Ok(card)
    }

    /// Creates or updates content. A new item (id not yet used) is authored by
    /// `author_id`; an existing one keeps its author and creation time.
    pub fn save_content(
        &mut self,
        caller: &Caller,
        mut content: Content,
        now: DateTime<Utc>,
    ) -> StoreResult<Content> {
        let author_id = caller.user_id.as_str();
        let allowed = match self.contents.get(&content.id) {
            Some(existing) => caller.edits_content(&existing.author_id),
            None => caller.may(Action::EditContent),
        };
        if !allowed {
            return Err(StoreError::Forbidden(Action::EditContent));
        }
        let mut errs = FieldErrors::default();
        errs.check(
            "id",
            crate::ids::parse_public_id(&content.id)
                .map(|_| ())
                .map_err(|_| crate::validate::FieldProblem::Range),
        );
        errs.into_result()?;
        content.validate()?;
        match self.contents.get(&content.id) {
            Some(existing) => {
                content.author_id.clone_from(&existing.author_id);
                content.created_at = existing.created_at;
            }
            None => {
                content.author_id = author_id.to_owned();
                content.created_at = now;
            }
        }
        content.updated_at = now;
        self.contents.insert(content.id.clone(), content.clone());
        self.touch(Change::Content(content.id.clone()));
        Ok(content)
    }

    pub fn contents_newest_first(&self) -> Vec<&Content> {
        let mut list: Vec<&Content> = self.contents.values().collect();
        list.sort_by(|a, b| b.updated_at.cmp(&a.updated_at).then(a.id.cmp(&b.id)));
        list
    }

    pub(super) fn target_exists(&self, target: &ShareTarget) -> bool {
        match target {
            ShareTarget::Card(id) => self.cards.contains_key(id),
            ShareTarget::Content(id) => self.contents.contains_key(id),
        }
    }
}
