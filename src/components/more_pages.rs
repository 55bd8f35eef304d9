//! A list read a page at a time: the first page follows the query, later pages are
//! fetched on demand and appended, and a page that failed is said with a retry.

use super::RetryAlert;
use crate::api::{ApiFuture, ApiResult};
use crate::error::AppError;
use crate::i18n::{Msg, use_i18n};
use leptos::prelude::*;
use lianjie_core::api::Page;

/// The pages of one list: read its first page's resource for figures beside the list
/// (counts), `listed` for everything loaded so far.
pub struct Pages<P: 'static, T: Send + Sync + 'static> {
    pub first: LocalResource<ApiResult<P>>,
    /// Everything loaded, in order: the first page, then those fetched after it.
    pub listed: Memo<Vec<T>>,
    /// How many match the query, loaded or not.
    pub total: Signal<usize>,
    pub has_more: Signal<bool>,
    /// The next page's failure, until it is asked for again.
    pub failed: Signal<Option<AppError>>,
    /// Fetches the next page (again, after a failure).
    pub load_more: Callback<()>,
    /// Fetches the next page unless the last attempt failed: for scrolling, which
    /// would otherwise ask again and again.
    pub near_end: Callback<()>,
}

impl<P, T: Send + Sync> Clone for Pages<P, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<P, T: Send + Sync> Copy for Pages<P, T> {}

/// The pages of the list `fetch` reads for `query`, from a cursor; `page_of` finds
/// the page in what `fetch` answers. Pages fetched for an earlier query are dropped.
pub fn use_pages<Q, P, T>(
    query: Memo<Q>,
    fetch: impl Fn(Q, Option<String>) -> ApiFuture<P> + Clone + Send + Sync + 'static,
    page_of: fn(&P) -> &Page<T>,
) -> Pages<P, T>
where
    Q: Clone + PartialEq + Send + Sync + 'static,
    P: Clone + 'static,
    T: Clone + PartialEq + Send + Sync + 'static,
{
    let more = RwSignal::new((Vec::<T>::new(), None::<String>));
    let failed = RwSignal::new(None::<AppError>);
    let loading = RwSignal::new(false);
    let first = LocalResource::new({
        let fetch = fetch.clone();
        move || {
            let q = query.get();
            more.set((Vec::new(), None));
            failed.set(None);
            fetch(q, None)
        }
    });
    let first_cursor = move || {
        first.with_untracked(|r| match r {
            Some(Ok(p)) => page_of(p).next_cursor.clone(),
            _ => None,
        })
    };
    let load_more = Callback::new(move |()| {
        if loading.get_untracked() {
            return;
        }
        failed.set(None);
        let Some(cursor) = more
            .with_untracked(|(_, c)| c.clone())
            .or_else(first_cursor)
        else {
            return;
        };
        let asked = query.get_untracked();
        let page = fetch(asked.clone(), Some(cursor));
        loading.set(true);
        leptos::task::spawn_local(async move {
            let page = page.await;
            // The query may have changed meanwhile: this page belongs to the old list.
            if query.with_untracked(|now| *now == asked) {
                match page {
                    Ok(page) => more.update(|(list, next)| {
                        let page = page_of(&page);
                        list.extend(page.items.iter().cloned());
                        next.clone_from(&page.next_cursor);
                    }),
                    Err(error) => failed.set(Some(error)),
                }
            }
            loading.set(false);
        });
    });
    let listed = Memo::new(move |_| {
        let mut all = first.with(|r| match r {
            Some(Ok(p)) => page_of(p).items.clone(),
            _ => Vec::new(),
        });
        more.with(|(extra, _)| all.extend(extra.iter().cloned()));
        all
    });
    let total = Signal::derive(move || {
        first.with(|r| match r {
            Some(Ok(p)) => page_of(p).total,
            _ => 0,
        })
    });
    let has_more = Signal::derive(move || {
        more.with(|(extra, next)| {
            next.is_some()
                || (extra.is_empty()
                    && first.with(|r| matches!(r, Some(Ok(p)) if page_of(p).next_cursor.is_some())))
        })
    });
    Pages {
        first,
        listed,
        total,
        has_more,
        failed: failed.into(),
        load_more,
        near_end: Callback::new(move |()| {
            if failed.with_untracked(Option::is_none) {
                load_more.run(());
            }
        }),
    }
}

/// Below a paged list: the next page's failure with a retry, or "load more" while
/// pages remain (for keyboards and screen readers; scrolling loads them too).
#[component]
pub fn MorePages(
    load_more: Callback<()>,
    has_more: Signal<bool>,
    failed: Signal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    move || match failed.get() {
        Some(error) => {
            view! { <RetryAlert error retry=Callback::new(move |()| load_more.run(())) /> }
                .into_any()
        }
        None => has_more
            .get()
            .then(|| {
                view! {
                    <button type="button" on:click=move |_| load_more.run(())>
                        {move || i18n.t(Msg::LoadMore)}
                    </button>
                }
            })
            .into_any(),
    }
}
