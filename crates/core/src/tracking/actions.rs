//! What a reader did on a page, as a set of bits: a set of a handful of kinds needs
//! no tree (24 bytes in every view, and a node of its own once one is added).

use super::ViewAction;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Every kind, in the order a set of them is read and written. A new kind goes here
/// and in [`bit`], whose match does not compile without it.
const ALL: [ViewAction; 8] = [
    ViewAction::SavedContact,
    ViewAction::Called,
    ViewAction::CopiedWechat,
    ViewAction::Emailed,
    ViewAction::Messaged,
    ViewAction::OpenedContent,
    ViewAction::Forwarded,
    ViewAction::LeftDetails,
];

/// A set of [`ViewAction`]s, in their order. Read and written as a JSON list.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct Actions(u16);

fn bit(action: ViewAction) -> u16 {
    // Every kind named, so a new one cannot compile without its place here.
    let at = match action {
        ViewAction::SavedContact => 0,
        ViewAction::Called => 1,
        ViewAction::CopiedWechat => 2,
        ViewAction::Emailed => 3,
        ViewAction::Messaged => 4,
        ViewAction::OpenedContent => 5,
        ViewAction::Forwarded => 6,
        ViewAction::LeftDetails => 7,
    };
    1 << at
}

impl Actions {
    /// Adds `action`; whether it was new.
    pub fn insert(&mut self, action: ViewAction) -> bool {
        let new = !self.contains(&action);
        self.0 |= bit(action);
        new
    }

    pub fn contains(&self, action: &ViewAction) -> bool {
        self.0 & bit(*action) != 0
    }

    pub fn len(&self) -> usize {
        self.0.count_ones() as usize
    }

    pub fn is_empty(&self) -> bool {
        self.0 == 0
    }

    /// The actions in the set, in their order.
    pub fn iter(&self) -> ActionsIter {
        ActionsIter {
            bits: self.0,
            at: 0,
        }
    }
}

/// What [`Actions::iter`] yields.
pub struct ActionsIter {
    bits: u16,
    at: usize,
}

impl Iterator for ActionsIter {
    type Item = &'static ViewAction;

    fn next(&mut self) -> Option<&'static ViewAction> {
        while let Some(action) = ALL.get(self.at) {
            self.at += 1;
            if self.bits & bit(*action) != 0 {
                return Some(action);
            }
        }
        None
    }
}

impl IntoIterator for &Actions {
    type Item = &'static ViewAction;
    type IntoIter = ActionsIter;
    fn into_iter(self) -> ActionsIter {
        self.iter()
    }
}

impl IntoIterator for Actions {
    type Item = ViewAction;
    type IntoIter = std::iter::Copied<ActionsIter>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter().copied()
    }
}

impl Extend<ViewAction> for Actions {
    fn extend<I: IntoIterator<Item = ViewAction>>(&mut self, items: I) {
        for action in items {
            self.insert(action);
        }
    }
}

impl FromIterator<ViewAction> for Actions {
    fn from_iter<I: IntoIterator<Item = ViewAction>>(items: I) -> Actions {
        let mut set = Actions::default();
        set.extend(items);
        set
    }
}

impl<const N: usize> From<[ViewAction; N]> for Actions {
    fn from(list: [ViewAction; N]) -> Actions {
        list.into_iter().collect()
    }
}

impl fmt::Debug for Actions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl Serialize for Actions {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for Actions {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Actions, D::Error> {
        Ok(Vec::<ViewAction>::deserialize(d)?.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_action_has_its_own_bit_in_the_order_a_set_keeps() {
        let mut sorted = ALL.to_vec();
        sorted.sort();
        assert_eq!(sorted, ALL, "ALL is in ViewAction's order");
        for (i, action) in ALL.iter().enumerate() {
            assert_eq!(bit(*action), 1 << i, "{action:?}");
        }
    }

    #[test]
    fn reads_and_writes_as_the_set_it_was() {
        let json = r#"["forwarded","called","forwarded","saved_contact"]"#;
        let set: Actions = serde_json::from_str(json).unwrap();
        let tree: BTreeSet<ViewAction> = serde_json::from_str(json).unwrap();
        assert_eq!(
            serde_json::to_string(&set).unwrap(),
            serde_json::to_string(&tree).unwrap()
        );
        assert_eq!(set.len(), 3);
        assert!(set.contains(&ViewAction::Called) && !set.contains(&ViewAction::Emailed));
        assert_eq!(
            set.into_iter().collect::<Vec<_>>(),
            tree.into_iter().collect::<Vec<_>>()
        );
        assert!(serde_json::from_str::<Actions>(r#"["danced"]"#).is_err());
        assert_eq!(serde_json::to_string(&Actions::default()).unwrap(), "[]");
    }
}
