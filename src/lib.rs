//! Lianjie (连接): the social CRM front-end. `App` is the whole application; `main.rs`
//! only mounts it, so tests can mount the same pieces in a browser.

pub mod api;
pub mod components;
pub mod error;
pub mod i18n;
mod offline;
pub mod pages;
pub mod reader;
pub mod tracker;
pub mod viewer;
mod wechat_copy;

use api::local::OpenNote;
use api::{
    Api, BackendChoice, HttpBackend, LocalBackend, configured_backend, provide_api,
    provide_public_api,
};
use components::{
    CustomerLayout, RoleGate, StaffLayout, ToastHost, Toasts, current_page,
    provide_history_address, provide_router_address,
};
use i18n::{Msg, provide_i18n};
use leptos::prelude::*;
use leptos_router::{
    components::{Outlet, ParentRoute, Route, Router, Routes},
    path,
};
use lianjie_core::link::CustomerRoute;
use pages::*;
use viewer::Gate;

#[component]
pub fn App() -> impl IntoView {
    let i18n = provide_i18n();
    let toasts = Toasts::new();
    provide_context(toasts);
    let backend: std::rc::Rc<dyn Api> = match configured_backend() {
        BackendChoice::Http(base) => std::rc::Rc::new(HttpBackend::new(&base)),
        BackendChoice::Local => {
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
            std::rc::Rc::new(backend)
        }
    };
    provide_api(backend);
    offline::keep_app_shell();

    view! {
        <Router>
            <RouterAddress>
            <Routes fallback=NotFound>
                <ParentRoute path=path!("") view=StaffLayout>
                    <Route path=path!("") view=Dashboard />
                    <Route path=path!("card") view=|| view! { <RoleGate gate=Gate::MyCard><MyCard /></RoleGate> } />
                    <Route path=path!("content") view=ContentLibrary />
                    <Route path=path!("content/new") view=|| view! { <RoleGate gate=Gate::EditContent><ContentEditor /></RoleGate> } />
                    <Route path=path!("content/:id/edit") view=|| view! { <RoleGate gate=Gate::EditContent><ContentEditor /></RoleGate> } />
                    <Route path=path!("content/:id") view=|| view! { <RoleGate gate=Gate::ContentAnalytics><ContentAnalyticsPage /></RoleGate> } />
                    <Route path=path!("radar") view=|| view! { <RoleGate gate=Gate::Radar><LeadRadar /></RoleGate> } />
                    <Route path=path!("customers") view=Customers />
                    <Route path=path!("tasks") view=Tasks />
                    <Route path=path!("leaderboard") view=|| view! { <RoleGate gate=Gate::Radar><LeaderboardPage /></RoleGate> } />
                    <Route path=path!("team") view=|| view! { <RoleGate gate=Gate::Radar><TeamBoardPage /></RoleGate> } />
                    <Route path=path!("pool") view=|| view! { <RoleGate gate=Gate::Pool><PublicPool /></RoleGate> } />
                    <Route path=path!("pipeline") view=|| view! { <RoleGate gate=Gate::Pipeline><Pipeline /></RoleGate> } />
                    <Route path=path!("contacts/:id") view=ContactProfile />
                    <Route path=path!("inbox") view=Inbox />
                    <Route path=path!("inbox/simulator") view=|| view! { <RoleGate gate=Gate::Simulator><ChannelSimulator /></RoleGate> } />
                    <Route path=path!("settings") view=Settings />
                    <Route path=path!("settings/team") view=|| view! { <RoleGate gate=Gate::Team><TeamSettings /></RoleGate> } />
                    <Route path=path!("settings/design") view=DesignSystem />
                    <Route path=path!("settings/channels") view=|| view! { <RoleGate gate=Gate::Adapters><ChannelAdapters /></RoleGate> } />
                </ParentRoute>
                <ParentRoute path=path!("") view=|| view! { <CustomerLayout><Outlet /></CustomerLayout> }>
                    <Route path=path!("c/:card") view=CardView />
                    <Route path=path!("s/:token") view=ShareView />
                    <Route path=path!("chat/:token") view=WebChat />
                </ParentRoute>
            </Routes>
            </RouterAddress>
            <ToastHost />
        </Router>
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
