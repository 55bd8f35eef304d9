//! Lianjie (连接): the social CRM front-end. `App` is the whole application; `main.rs`
//! only mounts it, so tests can mount the same pieces in a browser.

pub mod api;
pub mod components;
pub mod error;
pub mod i18n;
mod lazy_pages;
mod offline;
pub mod pages;
pub mod reader;
mod split;
pub mod tracker;
pub mod viewer;
mod wechat_copy;

use api::local::OpenNote;
use api::{
    Api, BackendChoice, HttpBackend, LocalBackend, configured_backend, provide_api,
    provide_public_api,
};
use components::{
    CustomerLayout, LazyPage, Loading, RetryAlert, RoleGate, StaffLayout, ToastHost, Toasts,
    current_page, provide_history_address, provide_router_address,
};
use error::AppError;
use i18n::{I18n, Msg, provide_i18n};
use leptos::prelude::*;
use leptos_router::{
    components::{Outlet, ParentRoute, Route, Router, Routes},
    path,
};
use lianjie_core::link::CustomerRoute;
use pages::{CardView, NotFound, ShareView, WebChat};
use split::split_fn;
use std::rc::Rc;
use viewer::Gate;

split_fn!(
    embedded_backend,
    fn open_local_backend(toasts: Toasts, i18n: I18n) -> Rc<dyn Api> {
        let backend = LocalBackend::open();
        let opened = backend.clone();
        leptos::task::spawn_local(async move {
            match opened.opened().await {
                OpenNote::Recovered(_) => {
                    toasts.error(i18n.t(Msg::StorageRecovered), None);
                }
                OpenNote::MemoryOnly => {
                    toasts.error(i18n.t(Msg::StorageUnavailable), None);
                }
                OpenNote::Loaded | OpenNote::Seeded => {}
            }
        });
        let api: Rc<dyn Api> = Rc::new(backend);
        api
    }
);

#[component]
pub fn App() -> impl IntoView {
    let i18n = provide_i18n();
    let toasts = Toasts::new();
    provide_context(toasts);
    offline::keep_app_shell();
    let workbench = move |api: Rc<dyn Api>| {
        provide_api(api);
        view! {
            <Router>
            <RouterAddress>
            <Routes fallback=NotFound>
                <ParentRoute path=path!("") view=StaffLayout>
                    <Route path=path!("") view=|| view! { <LazyPage load=lazy_pages::dashboard /> } />
                    <Route path=path!("card") view=|| view! { <RoleGate gate=Gate::MyCard><LazyPage load=lazy_pages::my_card /></RoleGate> } />
                    <Route path=path!("content") view=|| view! { <LazyPage load=lazy_pages::content_library /> } />
                    <Route path=path!("content/new") view=|| view! { <RoleGate gate=Gate::EditContent><LazyPage load=lazy_pages::content_editor /></RoleGate> } />
                    <Route path=path!("content/:id/edit") view=|| view! { <RoleGate gate=Gate::EditContent><LazyPage load=lazy_pages::content_editor /></RoleGate> } />
                    <Route path=path!("content/:id") view=|| view! { <RoleGate gate=Gate::ContentAnalytics><LazyPage load=lazy_pages::content_analytics /></RoleGate> } />
                    <Route path=path!("radar") view=|| view! { <RoleGate gate=Gate::Radar><LazyPage load=lazy_pages::lead_radar /></RoleGate> } />
                    <Route path=path!("customers") view=|| view! { <LazyPage load=lazy_pages::customers /> } />
                    <Route path=path!("tasks") view=|| view! { <LazyPage load=lazy_pages::tasks /> } />
                    <Route path=path!("leaderboard") view=|| view! { <RoleGate gate=Gate::Radar><LazyPage load=lazy_pages::leaderboard /></RoleGate> } />
                    <Route path=path!("team") view=|| view! { <RoleGate gate=Gate::Radar><LazyPage load=lazy_pages::team_board /></RoleGate> } />
                    <Route path=path!("pool") view=|| view! { <RoleGate gate=Gate::Pool><LazyPage load=lazy_pages::public_pool /></RoleGate> } />
                    <Route path=path!("pipeline") view=|| view! { <RoleGate gate=Gate::Pipeline><LazyPage load=lazy_pages::pipeline /></RoleGate> } />
                    <Route path=path!("contacts/:id") view=|| view! { <LazyPage load=lazy_pages::contact_profile /> } />
                    <Route path=path!("inbox") view=|| view! { <LazyPage load=lazy_pages::inbox /> } />
                    <Route path=path!("inbox/simulator") view=|| view! { <RoleGate gate=Gate::Simulator><LazyPage load=lazy_pages::channel_simulator /></RoleGate> } />
                    <Route path=path!("settings") view=|| view! { <LazyPage load=lazy_pages::settings /> } />
                    <Route path=path!("settings/team") view=|| view! { <RoleGate gate=Gate::Team><LazyPage load=lazy_pages::team_settings /></RoleGate> } />
                    <Route path=path!("settings/design") view=|| view! { <LazyPage load=lazy_pages::design_system /> } />
                    <Route path=path!("settings/channels") view=|| view! { <RoleGate gate=Gate::Adapters><LazyPage load=lazy_pages::channel_adapters /></RoleGate> } />
                </ParentRoute>
                <ParentRoute path=path!("") view=|| view! { <CustomerLayout><Outlet /></CustomerLayout> }>
                    <Route path=path!("c/:card") view=|| view! { <LazyPage load=lazy_pages::card_view /> } />
                    <Route path=path!("s/:token") view=|| view! { <LazyPage load=lazy_pages::share_view /> } />
                    <Route path=path!("chat/:token") view=|| view! { <LazyPage load=lazy_pages::web_chat /> } />
                </ParentRoute>
            </Routes>
            </RouterAddress>
            </Router>
        }
    };
    // The in-browser backend (the core's rules and the demo data) is a module of its
    // own, asked for only here: a workbench on the reference server never downloads it.
    let shell = match configured_backend() {
        BackendChoice::Http(base) => workbench(Rc::new(HttpBackend::new(&base))).into_any(),
        BackendChoice::Local => {
            let local = LocalResource::new(move || open_local_backend(toasts, i18n));
            (move || match local.get() {
                None => view! { <Loading /> }.into_any(),
                Some(Ok(api)) => workbench(api).into_any(),
                Some(Err(missing)) => view! {
                    <RetryAlert
                        error=AppError::from(missing)
                        retry=Callback::new(move |()| local.refetch())
                    />
                }
                .into_any(),
            })
            .into_any()
        }
    };
    view! {
        {shell}
        <ToastHost />
    }
}

/// The customer pages alone, for phones on slow networks: no staff pages, no
/// in-browser backend or demo data — served by the reference server for `/c/`, `/s/`
/// and `/chat/` links.
#[component]
pub fn CustomerApp() -> impl IntoView {
    provide_i18n();
    provide_context(Toasts::new());
    provide_public_api(std::rc::Rc::new(
        HttpBackend::new(&api::customer_api_base()),
    ));
    // Three pages told apart by their path: no router in this build (its code was a
    // tenth of the download).
    let page = current_page(provide_history_address());
    view! {
        {move || match page.get() {
            Some(page) => view! {
                <CustomerLayout>
                    {move || match page {
                        CustomerRoute::Card => view! { <CardView /> }.into_any(),
                        CustomerRoute::Share => view! { <ShareView /> }.into_any(),
                        CustomerRoute::Chat => view! { <WebChat /> }.into_any(),
                    }}
                </CustomerLayout>
            }
            .into_any(),
            None => view! { <NotFound /> }.into_any(),
        }}
        <ToastHost />
    }
}

/// Gives every page the router's address (`components::Address`), which the
/// customer pages also get without a router in their slim build.
#[component]
fn RouterAddress(children: Children) -> impl IntoView {
    provide_router_address();
    children()
}
