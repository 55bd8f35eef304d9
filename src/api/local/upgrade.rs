//! Brings data stored by earlier versions up to the current demo: before issue 14
//! there was no organization, no departments and no managers. Such data keeps every
//! record it has; what it lacks is taken from the demo seed.

use chrono::Utc;
use lianjie_core::demo;
use lianjie_core::store::{Db, Record};

/// Fills in what `db` lacks from the demo seed: the organization and its
/// departments, the seed's staff (with their cards) it does not have, and the
/// seed's department for seeded staff that have none. Returns the records it
/// changed, to be stored; nothing when the data is current.
pub fn fill_in(db: &mut Db) -> Vec<Record> {
    if !db.org.id.is_empty() {
        return Vec::new();
    }
    let seed = demo::seed(Utc::now());
    let mut changed = vec![Record::Org(seed.org.clone())];
    for user in &seed.users {
        let record = match db.users.iter().find(|u| u.id == user.id) {
            None => {
                if let Some(card) = user.card_id.as_ref().and_then(|c| seed.cards.get(c))
                    && !db.cards.contains_key(&card.id)
                {
                    changed.push(Record::Card(card.clone()));
                }
                user.clone()
            }
            Some(stored) if stored.department_id.is_none() => {
                let mut placed = stored.clone();
                placed.department_id.clone_from(&user.department_id);
                placed.role = user.role;
                placed
            }
            Some(_) => continue,
        };
        changed.push(Record::User(record));
    }
    for record in &changed {
        db.put(record.clone());
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_data_gets_the_organization_and_the_missing_staff_once() {
        let mut old = demo::seed(Utc::now());
        old.org = Default::default();
        old.users.retain(|u| u.id != "u-chengang");
        for u in &mut old.users {
            u.department_id = None;
        }
        let changed = fill_in(&mut old);
        assert!(!changed.is_empty());
        assert_eq!(old.org.id, demo::ORG);
        assert!(old.caller("u-chengang").is_ok());
        assert!(old.users.iter().all(|u| u.department_id.is_some()));
        assert!(fill_in(&mut old).is_empty(), "current data is left alone");
    }
}
