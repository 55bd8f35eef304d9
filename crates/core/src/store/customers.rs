//! The customer list (`/customers`): the live customers the caller sees, in a saved
//! view, narrowed and sorted, a page at a time.

use super::*;
use crate::customers::CustomerQuery;

impl Db {
    /// A page of the customers `caller` sees that `query` holds at `now`, in its order.
    pub fn customers(
        &self,
        caller: &Caller,
        query: &CustomerQuery,
        now: DateTime<Utc>,
    ) -> Page<Contact> {
        let mut list: Vec<&Contact> = self
            .contacts
            .values()
            .filter(|c| {
                c.merged.is_none()
                    && query.holds(c, &caller.user_id, now)
                    && self.listed_for(caller, c, query.pool.as_deref())
            })
            .collect();
        list.sort_by(|a, b| query.sort.compare(a, b));
        paginate(list, query.cursor.as_deref(), query.limit)
    }
}
