//! Quotas on what opening a customer page creates. Every open issues a view session
//! (a stored record), and a new reader gets their own link (another): per rep's link
//! (the root of a forward chain, so opening fresh child after child does not escape)
//! and per client (IPv4 address or IPv6 /64), each has an hourly budget, so a script
//! cannot fill the database with sessions or links, nor pile up readers on one link.
//! The per-client request rate of every public endpoint (snapshots included) is the
//! separate limiter of [`crate::extract::Public`].

use crate::client_addr::ClientKey;
use crate::error::{ApiError, ApiResult};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;

/// One budget per (client, link): `per_hour` at once, then one back every
/// 3600/`per_hour` seconds.
struct PerLink(DefaultKeyedRateLimiter<(ClientKey, String)>);

impl PerLink {
    fn new(per_hour: u32) -> PerLink {
        let n = NonZeroU32::new(per_hour).unwrap_or(NonZeroU32::MIN);
        PerLink(RateLimiter::keyed(Quota::per_hour(n)))
    }

    /// Takes one, or says how many seconds until one is back.
    fn take(&self, client: ClientKey, link: &str) -> Result<(), u64> {
        self.0
            .check_key(&(client, link.to_owned()))
            .map_err(|not_until| {
                not_until
                    .wait_time_from(DefaultClock::default().now())
                    .as_secs()
                    .max(1)
            })
    }

    fn sweep(&self) {
        self.0.retain_recent();
        self.0.shrink_to_fit();
    }
}

/// The hourly budgets of opening customer pages.
pub struct OpenQuotas {
    views: PerLink,
    reader_links: PerLink,
}

impl OpenQuotas {
    pub fn new(views_per_hour: u32, reader_links_per_hour: u32) -> OpenQuotas {
        OpenQuotas {
            views: PerLink::new(views_per_hour),
            reader_links: PerLink::new(reader_links_per_hour),
        }
    }

    /// Takes one open of `link` by `client`: a view session, and when `mints` (a new
    /// reader, not one coming back with their own link) a reader's link too. Over
    /// either budget: 429 with the seconds to wait.
    pub fn open(&self, client: ClientKey, link: &str, mints: bool) -> ApiResult<()> {
        let refused = |what, retry_after| ApiError::QuotaExceeded { what, retry_after };
        if mints {
            self.reader_links
                .take(client, link)
                .map_err(|secs| refused("new readers of this link", secs))?;
        }
        self.views
            .take(client, link)
            .map_err(|secs| refused("views of this link", secs))
    }

    /// Forgets budgets that have fully recovered (see the housekeeping task).
    pub fn sweep(&self) {
        self.views.sweep();
        self.reader_links.sweep();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_are_per_client_and_link_and_new_readers_have_their_own() {
        let quotas = OpenQuotas::new(3, 2);
        let a = ClientKey::from(std::net::IpAddr::from([203, 0, 113, 5]));
        let b = ClientKey::from(std::net::IpAddr::from([203, 0, 113, 6]));
        // Two new readers, then a returning one: three views, the budget.
        assert!(quotas.open(a, "link-1", true).is_ok());
        assert!(quotas.open(a, "link-1", true).is_ok());
        assert!(quotas.open(a, "link-1", false).is_ok());
        assert!(matches!(
            quotas.open(a, "link-1", false),
            Err(ApiError::QuotaExceeded { retry_after, .. }) if retry_after >= 1
        ));
        // A third new reader is over the readers' budget already.
        let fresh = OpenQuotas::new(10, 2);
        assert!(fresh.open(a, "link-1", true).is_ok());
        assert!(fresh.open(a, "link-1", true).is_ok());
        assert!(fresh.open(a, "link-1", true).is_err());
        assert!(fresh.open(a, "link-1", false).is_ok());
        // Another link, another client: their own budgets.
        assert!(quotas.open(a, "link-2", true).is_ok());
        assert!(quotas.open(b, "link-1", true).is_ok());
    }
}
