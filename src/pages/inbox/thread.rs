use super::delivery::ReplyDelivery;
use super::{CannedReplies, InboxCommand};
use crate::api::{use_api, use_api_events};
use crate::components::{
    AttachmentList, DeliveryState, LoadFailed, RetryAlert, TagsInput, use_draft,
    use_message_outbox, use_toasts,
};
use crate::error::AppError;
use crate::i18n::{I18n, Msg, use_i18n};
use crate::viewer::use_viewer;
use leptos::html;
use leptos::prelude::*;
use lianjie_core::api::{ConversationUpdate, Event, NewMessage};
use lianjie_core::channel::Channel;
use lianjie_core::contact::Contact;
use lianjie_core::inbox::{
    Attachment, CannedReply, Conversation, ConversationStatus, Direction, Message, SnoozeFor,
    canned_matches, render_template, validate_message,
};
use lianjie_core::share::ShareTarget;

/// What the composer hands the outbox: the text, whether it is a note, attachments.
type Reply = (String, bool, Vec<Attachment>);

/// One conversation: its messages (newest page first, older on request), the
/// messages on their way out, and the composer with canned replies and notes.
#[component]
pub fn Thread(
    id: String,
    conversation: Signal<Option<Conversation>>,
    contact: Signal<Option<Contact>>,
    focus: RwSignal<Option<InboxCommand>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let messages = LocalResource::new({
        let (api, id) = (api.clone(), id.clone());
        move || {
            let (api, id) = (api.clone(), id.clone());
            async move { api.messages(id, None).await }
        }
    });
    // Older pages, oldest first, loaded on request.
    let older = RwSignal::new((Vec::<Message>::new(), None::<String>));
    {
        let id = id.clone();
        use_api_events(move |e| match e {
            Event::Message { conversation, .. } if conversation.id == id => messages.refetch(),
            Event::Reset => messages.refetch(),
            _ => {}
        });
    }
    let outbox = use_message_outbox(format!("lianjie.inbox.outbox.{id}"), {
        let (api, id) = (api.clone(), id.clone());
        move |m| {
            let new = NewMessage {
                body: m.body,
                attachments: m.attachments,
                note: m.note,
                idempotency_key: m.key,
            };
            let sending = api.send_message(id.clone(), new);
            Box::pin(async move {
                sending.await?;
                messages.refetch();
                Ok(())
            })
        }
    });
    Effect::new(move || {
        if let Some(Ok(page)) = messages.get() {
            outbox.settle(|key| page.items.iter().any(|m| m.idempotency_key == key));
        }
    });
    let next_cursor = move || match older.with(|(_, c)| c.clone()) {
        Some(c) => Some(c),
        None if older.with(|(l, _)| l.is_empty()) => messages
            .get()
            .and_then(|r| r.ok())
            .and_then(|p| p.next_cursor),
        None => None,
    };
    // A failed older page is said beside its button, which asks again.
    let older_failed = RwSignal::new(None::<AppError>);
    let load_older = Callback::new({
        let (api, id) = (api.clone(), id.clone());
        move |cursor: String| {
            let (api, id) = (api.clone(), id.clone());
            older_failed.set(None);
            leptos::task::spawn_local(async move {
                match api.messages(id, Some(cursor)).await {
                    Ok(page) => older.update(|(list, next)| {
                        let mut page_items = page.items;
                        page_items.reverse();
                        page_items.append(list);
                        *list = page_items;
                        *next = page.next_cursor;
                    }),
                    Err(e) => older_failed.set(Some(e)),
                }
            });
        }
    });
    let shown = move || {
        let mut all = older.with(|(l, _)| l.clone());
        if let Some(Ok(page)) = messages.get() {
            all.extend(page.items.into_iter().rev());
        }
        all
    };
    // The list's copy of the name shows at once; the contact's own arrives after.
    let name = move || {
        contact
            .with(|c| c.as_ref().map(|c| c.name.clone()))
            .or_else(|| conversation.with(|c| c.as_ref().map(|c| c.contact_name.clone())))
            .unwrap_or_default()
    };
    // Opening a conversation reads it.
    if conversation.with_untracked(|c| c.as_ref().is_some_and(|c| c.unread > 0)) {
        let read = api.update_conversation(
            id.clone(),
            ConversationUpdate {
                read: true,
                ..Default::default()
            },
        );
        leptos::task::spawn_local(async move {
            let _ = read.await;
        });
    }
    let context = move || conversation.with(|c| c.as_ref().and_then(|c| c.context.clone()));
    let channel = Signal::derive(move || conversation.with(|c| c.as_ref().map(|c| c.channel)));
    let retried = Callback::new(move |()| messages.refetch());
    view! {
        <section class="thread" aria-label=move || i18n.tf(Msg::MessagesOf, &[("name", &name())])>
            <h2 tabindex="-1">{name}</h2>
            <Handling id=id.clone() conversation command=focus />
            {move || context().map(|ctx| view! {
                <p class="thread-context">
                    {match ctx {
                        ShareTarget::Card(_) => i18n.t(Msg::ContextCard).to_owned(),
                        ShareTarget::Content(id) => format!("{} {id}", i18n.t(Msg::ContextContent)),
                    }}
                </p>
            })}
            <LoadFailed resource=messages />
            {move || next_cursor().map(|cursor| {
                let again = cursor.clone();
                view! {
                    <button type="button" on:click=move |_| load_older.run(cursor.clone())>
                        {move || i18n.t(Msg::OlderMessages)}
                    </button>
                    {move || older_failed.get().map(|error| {
                        let again = again.clone();
                        view! { <RetryAlert error retry=Callback::new(move |()| load_older.run(again.clone())) /> }
                    })}
                }
            })}
            <ol class="messages" aria-live="polite">
                <For each=shown key=|m| (m.id.clone(), m.delivery.as_ref().map(|d| (d.state, d.attempts))) let(m)>
                    <MessageItem m i18n channel retried />
                </For>
                <For each=move || outbox.list.get() key=|m| (m.key.clone(), m.state) let(m)>
                    <li class="message outbound pending" class:note=m.note>
                        {m.note.then(|| view! { <span class="note-badge">{i18n.t(Msg::NoteBadge)}</span> })}
                        <p>{m.body.clone()}</p>
                        <AttachmentList attachments=m.attachments.clone() />
                        <DeliveryState outbox key=m.key.clone() state=m.state />
                    </li>
                </For>
            </ol>
            <Composer id outbox_push=Callback::new(move |(body, note, attachments): Reply| outbox.push(body, note, attachments)) name=Signal::derive(name) focus />
        </section>
    }
}

/// Resolve or reopen, snooze, assign, label: each applied at once, each reachable by
/// its key (e, s, a, l).
#[component]
fn Handling(
    id: String,
    conversation: Signal<Option<Conversation>>,
    command: RwSignal<Option<InboxCommand>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let toasts = use_toasts();
    let viewer = use_viewer();
    let apply = Action::new_local(move |u: &ConversationUpdate| {
        let (u, applying) = (u.clone(), api.update_conversation(id.clone(), u.clone()));
        async move { (u, applying.await) }
    });
    Effect::new(move || {
        if let Some((u, Err(e))) = apply.value().get() {
            toasts.action_failed(i18n.t(e.message()), apply, u);
        }
    });
    let status =
        move || conversation.with(|c| c.as_ref().map(|c| c.status.effective(chrono::Utc::now())));
    let resolved = move || status() == Some(ConversationStatus::Resolved);
    let toggle_resolved = move || {
        let to = if resolved() {
            ConversationStatus::Open
        } else {
            ConversationStatus::Resolved
        };
        apply.dispatch(ConversationUpdate {
            status: Some(to),
            ..Default::default()
        });
    };
    let snooze = NodeRef::<html::Select>::new();
    let assign = NodeRef::<html::Select>::new();
    let labels = NodeRef::<html::Input>::new();
    Effect::new(move || {
        let focus = |el: Option<web_sys::HtmlElement>| {
            if let Some(el) = el {
                let _ = el.focus();
            }
        };
        match command.get() {
            Some(InboxCommand::Resolve) => toggle_resolved(),
            Some(InboxCommand::Snooze) => focus(snooze.get().map(Into::into)),
            Some(InboxCommand::Assign) => focus(assign.get().map(Into::into)),
            Some(InboxCommand::Label) => focus(labels.get().map(Into::into)),
            _ => return,
        }
        command.set(None);
    });
    // A memo: the options are built again only when the assignee changes, not at each
    // message (an open list of them would close under the agent).
    let assignee =
        Memo::new(move |_| conversation.with(|c| c.as_ref().and_then(|c| c.assignee_id.clone())));
    let label_list = Memo::new(move |_| {
        conversation.with(|c| c.as_ref().map(|c| c.labels.clone()).unwrap_or_default())
    });
    let save_labels = Callback::new(move |labels: Vec<String>| {
        apply.dispatch(ConversationUpdate {
            labels: Some(labels),
            ..Default::default()
        });
    });
    view! {
        <div role="toolbar" class="handling" aria-label=move || i18n.t(Msg::ConversationActions)>
            <button type="button" on:click=move |_| toggle_resolved()>
                {move || if resolved() { i18n.t(Msg::Reopen) } else { i18n.t(Msg::Resolve) }}
            </button>
            <label>
                {move || i18n.t(Msg::Snooze)}
                <select node_ref=snooze on:change=move |ev| {
                    let i: Option<usize> = event_target_value(&ev).parse().ok();
                    if let Some(choice) = i.and_then(|i| SnoozeFor::ALL.get(i)) {
                        let until = choice.until(chrono::Local::now().fixed_offset());
                        apply.dispatch(ConversationUpdate {
                            status: Some(ConversationStatus::Snoozed { until }),
                            ..Default::default()
                        });
                    }
                }>
                    <option value="" selected=true>"—"</option>
                    {SnoozeFor::ALL.iter().enumerate().map(|(i, s)| {
                        let label = match s {
                            SnoozeFor::OneHour => Msg::SnoozeHour,
                            SnoozeFor::ThreeHours => Msg::SnoozeThreeHours,
                            SnoozeFor::TomorrowMorning => Msg::SnoozeTomorrow,
                            SnoozeFor::NextWeek => Msg::SnoozeNextWeek,
                        };
                        view! { <option value=i.to_string()>{move || i18n.t(label)}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>
                {move || i18n.t(Msg::Assignee)}
                <select node_ref=assign on:change=move |ev| {
                    let v = event_target_value(&ev);
                    apply.dispatch(ConversationUpdate {
                        assignee_id: Some(Some(v).filter(|v| !v.is_empty())),
                        ..Default::default()
                    });
                }>
                    <option value="" selected=move || assignee.with(Option::is_none)>{move || i18n.t(Msg::AssigneeUnassigned)}</option>
                    // Only active staff may be assigned (whoever holds it now stays shown).
                    {move || viewer.with(|v| v.staff.clone()).unwrap_or_default().into_iter()
                        .filter(|u| u.active || assignee.with(|a| a.as_deref() == Some(u.id.as_str())))
                        .map(|u| {
                        let selected = assignee.with(|a| a.as_deref() == Some(u.id.as_str()));
                        view! { <option value=u.id selected=selected>{u.name}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>
                {move || i18n.t(Msg::Labels)}
                <TagsInput tags=label_list on_change=save_labels per_edit=true node_ref=labels />
            </label>
            {move || match status() {
                Some(ConversationStatus::Snoozed { until }) => {
                    let at = until.with_timezone(&chrono::Local).format("%m-%d %H:%M").to_string();
                    Some(view! { <span class="snoozed">{i18n.tf(Msg::SnoozedUntil, &[("time", &at)])}</span> })
                }
                _ => None,
            }}
        </div>
    }
}

#[component]
fn MessageItem(
    m: Message,
    i18n: I18n,
    channel: Signal<Option<Channel>>,
    retried: Callback<()>,
) -> impl IntoView {
    let class = match m.direction {
        Direction::Inbound => "message inbound",
        Direction::Outbound => "message outbound",
        Direction::Note => "message outbound note",
    };
    let when = m.created_at.format("%m-%d %H:%M").to_string();
    view! {
        <li class=class>
            {(m.direction == Direction::Note).then(|| view! { <span class="note-badge">{move || i18n.t(Msg::NoteBadge)}</span> })}
            <p>{m.body}</p>
            <AttachmentList attachments=m.attachments />
            <time>{when}</time>
            {m.delivery.map(|delivery| view! {
                <ReplyDelivery conversation_id=m.conversation_id message_id=m.id delivery channel retried />
            })}
        </li>
    }
}

/// The reply box: a draft kept per conversation, `/` for canned replies (filled in
/// with the customer's and agent's names), a private-note mode, Ctrl+Enter to send.
#[component]
fn Composer(
    id: String,
    outbox_push: Callback<Reply>,
    name: Signal<String>,
    focus: RwSignal<Option<InboxCommand>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let draft = use_draft(format!("lianjie.inbox.draft.{id}"), String::new());
    let text = draft.value;
    let note = RwSignal::new(false);
    let problem = RwSignal::new(None::<crate::i18n::PublicMsg>);
    // Links and images to send with the reply, and the address being typed.
    let attachments = RwSignal::new(Vec::<Attachment>::new());
    let link = RwSignal::new(String::new());
    let CannedReplies(canned) = expect_context::<CannedReplies>();
    let viewer = use_viewer();
    let field = NodeRef::<html::Textarea>::new();
    Effect::new(move || {
        match focus.get() {
            Some(InboxCommand::Note) => note.set(true),
            Some(InboxCommand::Reply) => note.set(false),
            Some(InboxCommand::Canned) => text.set("/".into()),
            _ => return,
        }
        if let Some(el) = field.get() {
            let _ = el.focus();
        }
        focus.set(None);
    });
    let send = move || {
        let body = text.get_untracked().trim().to_owned();
        let attached = attachments.get_untracked();
        if let Err(errs) = validate_message(&body, &attached) {
            problem.set(
                errs.0
                    .first()
                    .map(|e| crate::error::problem_message(&e.problem)),
            );
            return;
        }
        problem.set(None);
        outbox_push.run((body, note.get_untracked(), attached));
        attachments.set(Vec::new());
        draft.discard();
    };
    let attach = move || {
        let url = link.get_untracked();
        if url.trim().is_empty() {
            return;
        }
        match lianjie_core::validate::url(url.trim()) {
            Ok(()) => {
                attachments.update(|l| l.push(Attachment::from_url(&url)));
                link.set(String::new());
                problem.set(None);
            }
            Err(p) => problem.set(Some(crate::error::problem_message(&p))),
        }
    };
    let matches = move || {
        let all: Vec<CannedReply> = canned.get().and_then(Result::ok).unwrap_or_default();
        text.with(|t| {
            canned_matches(&all, t)
                .into_iter()
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let choose = move |reply: CannedReply| {
        let agent = viewer
            .with_untracked(|v| v.me.name.clone())
            .unwrap_or_default();
        text.set(render_template(
            &reply.body,
            &[("name", &name.get_untracked()), ("agent", &agent)],
        ));
        if let Some(el) = field.get_untracked() {
            let _ = el.focus();
        }
    };
    view! {
        <form class="composer" class:note=move || note.get() on:submit=move |ev| {
            ev.prevent_default();
            send();
        }>
            <label>
                {move || i18n.t(Msg::ComposerLabel)}
                <textarea rows="3" node_ref=field prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))
                    on:keydown=move |ev| {
                        if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
                            ev.prevent_default();
                            send();
                        }
                    }></textarea>
            </label>
            {move || {
                let list = matches();
                (!list.is_empty()).then(|| view! {
                    <ul class="canned" aria-label=move || i18n.t(Msg::CannedReplies)>
                        {list.into_iter().map(|r| {
                            let label = format!("/{} {}", r.shortcut, r.title);
                            view! {
                                <li><button type="button" on:click=move |_| choose(r.clone())>{label}</button></li>
                            }
                        }).collect_view()}
                    </ul>
                })
            }}
            <div class="attach">
                <label>
                    {move || i18n.t(Msg::AttachLink)}
                    <input type="url" inputmode="url" placeholder="https://" prop:value=move || link.get()
                        on:input=move |ev| link.set(event_target_value(&ev))
                        on:keydown=move |ev| {
                            if ev.key() == "Enter" {
                                ev.prevent_default();
                                attach();
                            }
                        } />
                </label>
                <button type="button" on:click=move |_| attach()>{move || i18n.t(Msg::Attach)}</button>
            </div>
            <ul class="attachments pending" aria-label=move || i18n.t(Msg::Attachments)>
                <For each=move || attachments.get().into_iter().enumerate() key=|(i, a)| (*i, a.url.clone()) let((i, a))>
                    <li>
                        {a.name.clone()}
                        <button type="button" aria-label=move || i18n.tf(Msg::RemoveAttachment, &[("name", &a.name)])
                            on:click=move |_| attachments.update(|l| { if i < l.len() { l.remove(i); } })>"×"</button>
                    </li>
                </For>
            </ul>
            <label class="note-toggle">
                <input type="checkbox" prop:checked=move || note.get() on:change=move |ev| note.set(event_target_checked(&ev)) />
                {move || i18n.t(Msg::NoteMode)}
            </label>
            {move || problem.get().map(|p| view! { <p role="alert" class="form-error">{i18n.t(p)}</p> })}
            <button type="submit" class="cta">
                {move || if note.get() { i18n.t(Msg::AddNote) } else { i18n.t(Msg::SendReply) }}
            </button>
        </form>
    }
}
