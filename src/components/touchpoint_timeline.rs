use crate::i18n::{I18n, Msg, use_i18n};
use crate::viewer::{CurrentViewer, use_viewer};
use leptos::prelude::*;
use lianjie_core::api::Activity;
use lianjie_core::crm::{Entry, OwnerChange};
use lianjie_core::deals::format_yuan;
use lianjie_core::format;

/// Every touchpoint of a customer, newest first: what they read (how long, how far,
/// where they lingered), who read what they forwarded, their conversations on every
/// channel.
#[component]
pub fn TouchpointTimeline(timeline: Vec<Activity>) -> impl IntoView {
    let i18n = use_i18n();
    let viewer = use_viewer();
    view! {
        <section class="panel" aria-labelledby="timeline-h">
            <h2 id="timeline-h">{move || i18n.t(Msg::Timeline)}</h2>
            {if timeline.is_empty() {
                view! { <p class="empty">{move || i18n.t(Msg::NoTouchpoints)}</p> }.into_any()
            } else {
                view! {
                    <ol class="timeline">
                        {timeline.into_iter().map(|a| view! { <Touchpoint a i18n viewer /> }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn Touchpoint(a: Activity, i18n: I18n, viewer: CurrentViewer) -> impl IntoView {
    let when = a.at().format("%Y-%m-%d %H:%M").to_string();
    let what = move || match &a {
        Activity::View { item, .. } => {
            let figures = format!(
                " · {} · {}%",
                format::duration(item.visible_ms, i18n.locale()),
                item.max_scroll_pct
            );
            let top = item
                .top_section
                .as_ref()
                .map(|t| format!(" · {} {t}", i18n.t(Msg::LongestOn)))
                .unwrap_or_default();
            i18n.tf(Msg::TlRead, &[("title", &item.title)]) + &figures + &top
        }
        Activity::Forwarded { item, .. } => {
            let reader = item.reader.as_deref().unwrap_or(i18n.t(Msg::Anonymous));
            i18n.tf(
                Msg::TlForwarded,
                &[("reader", reader), ("title", &item.title)],
            )
        }
        Activity::Conversation { conversation, .. } => i18n.tf(
            Msg::TlConversation,
            &[
                ("channel", i18n.channel(conversation.channel)),
                ("preview", &conversation.last_preview),
            ],
        ),
        Activity::Logged { entry, .. } => match &entry.entry {
            Entry::FollowUp {
                method,
                text,
                next_at,
            } => {
                let mut line = i18n.tf(
                    Msg::TlFollowUp,
                    &[("method", i18n.method(*method)), ("text", text)],
                );
                if let Some(at) = next_at {
                    let time = at
                        .with_timezone(&chrono::Local)
                        .format("%m-%d %H:%M")
                        .to_string();
                    line = line + " · " + &i18n.tf(Msg::TlNextAt, &[("time", &time)]);
                }
                line
            }
            Entry::Deal {
                title,
                amount_fen,
                stage,
                ..
            } => i18n.tf(
                Msg::TlDeal,
                &[
                    ("title", title),
                    ("amount", &format_yuan(*amount_fen)),
                    ("stage", i18n.deal_stage(*stage)),
                ],
            ),
            Entry::Stage { from, to } => {
                let name = |id: &str| {
                    viewer
                        .with(|v| i18n.stage(&v.org, id))
                        .unwrap_or_else(|| id.to_owned())
                };
                i18n.tf(Msg::TlStage, &[("from", &name(from)), ("to", &name(to))])
            }
            Entry::Owner {
                how,
                from,
                to,
                reason,
            } => {
                let name = |id: &Option<String>| {
                    id.as_deref()
                        .and_then(|id| viewer.with(|v| v.staff_name(id)).flatten())
                        .unwrap_or_default()
                };
                let msg = match how {
                    OwnerChange::Claimed => Msg::TlClaimed,
                    OwnerChange::Assigned => Msg::TlAssigned,
                    OwnerChange::Transferred => Msg::TlTransferred,
                    OwnerChange::Recycled => Msg::TlRecycled,
                    OwnerChange::Returned => Msg::TlReturned,
                };
                i18n.tf(
                    msg,
                    &[("from", &name(from)), ("to", &name(to)), ("reason", reason)],
                )
            }
        },
    };
    view! {
        <li>
            <time>{when}</time>
            " "
            <span>{what}</span>
        </li>
    }
}
