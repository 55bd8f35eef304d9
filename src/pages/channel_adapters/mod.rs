//! Settings → Channel adapters (admins): the credentials adapters sign their
//! deliveries with (`docs/channels.md`). A secret is shown once, when created or
//! rotated; the list shows which one an adapter holds by its last characters.

use crate::api::{ApiHandle, use_api};
use crate::components::{CopyButton, FormField, PageHeader, use_toasts};
use crate::error::AppError;
use crate::error::problem_message;
use crate::i18n::{I18n, Msg, local_time, use_i18n};
use leptos::prelude::*;
use leptos_router::components::A;
use lianjie_core::adapter::{
    ChannelKeyInfo, IssuedChannelKey, NewChannelKey, WechatAccount, reply_routes,
};
use lianjie_core::channel::Channel;
use lianjie_core::validate::FieldErrors;
use platform_fields::{
    MailboxFields, MailboxFieldset, SmsFields, SmsGatewayFields, WecomAccountFields, WecomFields,
};

mod platform_fields;

/// Channels an adapter carries: all but web chat, which Lianjie's own pages carry.
fn adapter_channels() -> impl Iterator<Item = Channel> {
    Channel::ALL.into_iter().filter(|c| *c != Channel::WebChat)
}

/// Where an adapter of `channel` posts, on the server this app talks to.
fn endpoint(channel: Channel) -> String {
    let origin = window().location().origin().unwrap_or_default();
    format!(
        "{origin}{}/channels/{}/inbound",
        crate::api::SAME_ORIGIN_API,
        channel.slug()
    )
}

/// Where an SMS gateway posts its delivery receipts for credential `key`.
fn receipts_url(key: &str, token: &str) -> String {
    let origin = window().location().origin().unwrap_or_default();
    format!(
        "{origin}{}/channels/sms/receipts?key={key}&token={token}",
        crate::api::SAME_ORIGIN_API
    )
}

#[component]
pub fn ChannelAdapters() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let on_server = api.name() == "http";
    let keys = LocalResource::new({
        let api = api.clone();
        move || {
            let api = api.clone();
            async move { api.channel_keys().await }
        }
    });
    // The credential just created or rotated, with its secret: shown until dismissed.
    let issued = RwSignal::new(None::<IssuedChannelKey>);
    let changed = Callback::new(move |key: Option<IssuedChannelKey>| {
        if key.is_some() {
            issued.set(key);
        }
        keys.refetch();
    });
    view! {
        <PageHeader title=Msg::AdaptersTitle intro=Msg::AdaptersIntro />
        <p class="intro">
            {move || i18n.t(if on_server { Msg::AdaptersHowTo } else { Msg::AdaptersLocal })}
            " "
            <A href="/inbox/simulator">{move || i18n.t(Msg::TrySimulator)}</A>
        </p>
        {move || issued.get().map(|key| view! { <IssuedSecret key on_done=Callback::new(move |()| issued.set(None)) /> })}
        <section aria-labelledby="routes-h">
            <h2 id="routes-h">{move || i18n.t(Msg::ReplyRoutes)}</h2>
            <Transition>
                {move || Suspend::new(async move {
                    keys.await.map(|list| view! {
                        <ul class="content-list reply-routes">
                            {reply_routes(&list).into_iter().map(|(channel, sender)| {
                                let said = sender.map(|k| (k.label.clone(), k.wechat_app_id.clone().or_else(|| k.wecom_corp_id.clone()).or_else(|| k.email_address.clone()).or_else(|| k.api_base.clone()).unwrap_or_default()));
                                let missing = said.is_none();
                                view! {
                                    <li class:unconnected=missing>
                                        <strong>{move || i18n.channel(channel)}</strong>
                                        <span>{move || match &said {
                                            Some((label, via)) => i18n.tf(Msg::RouteConnected, &[("label", label), ("via", via)]),
                                            None => i18n.t(Msg::RouteMissing).to_owned(),
                                        }}</span>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    })
                })}
            </Transition>
        </section>
        <NewKeyForm api=api.clone() changed />
        <section aria-labelledby="keys-h">
            <h2 id="keys-h">{move || i18n.t(Msg::AdapterKeys)}</h2>
            <Transition>
                {move || {
                    let api = api.clone();
                    Suspend::new(async move {
                    keys.await.map(|list| {
                        if list.is_empty() {
                            return view! { <p class="intro">{move || i18n.t(Msg::NoAdapterKeys)}</p> }.into_any();
                        }
                        view! {
                            <ul class="content-list">
                                {list.into_iter().map(|key| view! { <KeyRow key api=api.clone() changed /> }).collect_view()}
                            </ul>
                        }.into_any()
                    })
                })}}
            </Transition>
        </section>
    }
}

/// The secret of a credential just issued, with what an adapter author needs.
#[component]
fn IssuedSecret(key: IssuedChannelKey, on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let channel = key.key.channel;
    let url = endpoint(channel);
    let wechat_url = format!("{url}?key={}", key.key.id);
    view! {
        <section class="panel issued-secret" role="status" aria-labelledby="issued-h">
            <h2 id="issued-h">{move || i18n.tf(Msg::SecretFor, &[("label", &key.key.label)])}</h2>
            <p>{move || i18n.t(Msg::SecretOnce)}</p>
            <dl class="facts">
                <dt>{move || i18n.t(Msg::AdapterKeyId)}</dt>
                <dd><code>{key.key.id.clone()}</code></dd>
                <dt>{move || i18n.t(Msg::AdapterSecret)}</dt>
                <dd><code class="secret">{key.secret.clone()}</code></dd>
                <dt>{move || i18n.t(Msg::AdapterEndpoint)}</dt>
                <dd><code>{url.clone()}</code></dd>
                {matches!(channel, Channel::Wechat | Channel::Wecom).then(|| view! {
                    <dt>{move || i18n.t(if channel == Channel::Wecom { Msg::WecomCallback } else { Msg::WechatCallback })}</dt>
                    <dd><code>{wechat_url.clone()}</code></dd>
                })}
                {key.receipt_token.clone().map(|token| {
                    let at = receipts_url(&key.key.id, &token);
                    view! {
                        <dt>{move || i18n.t(Msg::SmsReceiptUrl)}</dt>
                        <dd><code>{at}</code></dd>
                    }
                })}
            </dl>
            <div class="actions">
                <CopyButton text=key.secret.clone() label=Msg::CopySecret done=Msg::SecretCopied />
                <button type="button" on:click=move |_| on_done.run(())>{move || i18n.t(Msg::SecretSaved)}</button>
            </div>
        </section>
    }
}

#[component]
fn NewKeyForm(api: ApiHandle, changed: Callback<Option<IssuedChannelKey>>) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let channel = RwSignal::new(Channel::Wechat);
    let label = RwSignal::new(String::new());
    let problems = RwSignal::new(FieldErrors::default());
    // A WeChat credential may connect an Official Account; left empty, it signs only.
    let app_id = RwSignal::new(String::new());
    let app_secret = RwSignal::new(String::new());
    let aes_key = RwSignal::new(String::new());
    let api_base = RwSignal::new(String::new());
    let account = move || {
        let a = WechatAccount {
            app_id: app_id.get_untracked().trim().to_owned(),
            app_secret: app_secret.get_untracked().trim().to_owned(),
            encoding_aes_key: aes_key.get_untracked().trim().to_owned(),
            api_base: api_base.get_untracked().trim().to_owned(),
        };
        let given = [&a.app_id, &a.app_secret, &a.encoding_aes_key]
            .iter()
            .any(|v| !v.is_empty());
        (channel.get_untracked() == Channel::Wechat && given).then_some(a)
    };
    let sms = SmsFields::default();
    let wecom = WecomFields::default();
    let mailbox = MailboxFields::default();
    let create = Action::new_local(move |new: &NewChannelKey| {
        let (api, new) = (api.clone(), new.clone());
        async move { api.create_channel_key(new).await }
    });
    Effect::new(move || match create.value().get() {
        Some(Ok(key)) => {
            problems.set(FieldErrors::default());
            for field in [label, app_id, app_secret, aes_key, api_base] {
                field.set(String::new());
            }
            sms.clear();
            wecom.clear();
            mailbox.clear();
            changed.run(Some(key));
        }
        Some(Err(AppError::Invalid(errs))) => problems.set(errs),
        Some(Err(e)) => {
            toasts.error(i18n.t(e.message()), None);
        }
        None => {}
    });
    let label_problem = move || {
        problems
            .read()
            .get("label")
            .map(|p| i18n.t(problem_message(p)))
    };
    view! {
        <form class="editor" novalidate aria-labelledby="new-key-h" on:submit=move |ev| {
            ev.prevent_default();
            let on = channel.get_untracked();
            create.dispatch(NewChannelKey {
                channel: on,
                label: label.get_untracked(),
                wechat: account(),
                sms: (on == Channel::Sms).then(|| sms.gateway()).flatten(),
                wecom: (on == Channel::Wecom).then(|| wecom.account()).flatten(),
                email: (on == Channel::Email).then(|| mailbox.mailbox()).flatten(),
            });
        }>
            <h2 id="new-key-h">{move || i18n.t(Msg::NewAdapterKey)}</h2>
            <label>
                {move || i18n.t(Msg::ViaChannel)}
                <select on:change=move |ev| {
                    if let Some(c) = Channel::from_slug(&event_target_value(&ev)) {
                        channel.set(c);
                    }
                }>
                    {adapter_channels().map(|c| view! {
                        <option value=c.slug() selected=move || channel.get() == c>{move || i18n.channel(c)}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>
                {move || i18n.t(Msg::AdapterLabel)}
                <input maxlength="60" placeholder=move || i18n.t(Msg::AdapterLabelHint)
                    aria-invalid=move || label_problem().is_some().to_string()
                    aria-describedby="adapter-label-error"
                    prop:value=move || label.get() on:input=move |ev| label.set(event_target_value(&ev)) />
            </label>
            <span id="adapter-label-error" class="form-error" role="alert">{label_problem}</span>
            {move || (channel.get() == Channel::Wechat).then(|| view! {
                <fieldset class="wechat-account">
                    <legend>{move || i18n.t(Msg::WechatAccount)}</legend>
                    <p class="meta">{move || i18n.t(Msg::WechatAccountHint)}</p>
                    <FormField form="new-key" key="wechat.app_id" label=Msg::WechatAppId value=app_id problems />
                    <FormField form="new-key" key="wechat.app_secret" label=Msg::WechatAppSecret value=app_secret problems kind="password" autocomplete="new-password" />
                    <FormField form="new-key" key="wechat.encoding_aes_key" label=Msg::WechatAesKey value=aes_key problems />
                    <FormField form="new-key" key="wechat.api_base" label=Msg::WechatApiBase value=api_base problems kind="url" />
                </fieldset>
            })}
            {move || (channel.get() == Channel::Sms).then(|| view! { <SmsGatewayFields fields=sms problems /> })}
            {move || (channel.get() == Channel::Wecom).then(|| view! { <WecomAccountFields fields=wecom problems /> })}
            {move || (channel.get() == Channel::Email).then(|| view! { <MailboxFieldset fields=mailbox problems /> })}
            <div class="actions">
                <button type="submit" class="cta" disabled=move || create.pending().get()>{move || i18n.t(Msg::CreateAdapterKey)}</button>
            </div>
        </form>
    }
}

fn status_line(i18n: I18n, key: &ChannelKeyInfo) -> String {
    if let Some(at) = key.revoked_at {
        return i18n.tf(Msg::KeyRevokedAt, &[("time", &local_time(at))]);
    }
    let used = key.last_used_at.map_or_else(
        || i18n.t(Msg::KeyNeverUsed).to_owned(),
        |at| i18n.tf(Msg::KeyUsedAt, &[("time", &local_time(at))]),
    );
    match key.previous_valid_until {
        Some(until) if until > chrono::Utc::now() => format!(
            "{used} · {}",
            i18n.tf(Msg::OldSecretUntil, &[("time", &local_time(until))])
        ),
        _ => used,
    }
}

/// One credential: what it is, when it was last used, and rotate / revoke (the
/// latter asks once more: adapters using it stop at once).
#[component]
fn KeyRow(
    key: ChannelKeyInfo,
    api: ApiHandle,
    changed: Callback<Option<IssuedChannelKey>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let revoked = key.revoked_at.is_some();
    let confirming = RwSignal::new(false);
    let id = key.id.clone();
    let rotate = Action::new_local({
        let api = api.clone();
        move |id: &String| {
            let (api, id) = (api.clone(), id.clone());
            async move { api.rotate_channel_key(id).await.map(Some) }
        }
    });
    let revoke = Action::new_local(move |id: &String| {
        let (api, id) = (api.clone(), id.clone());
        async move { api.revoke_channel_key(id).await.map(|_| None) }
    });
    for action in [rotate, revoke] {
        Effect::new(move || match action.value().get() {
            Some(Ok(issued)) => changed.run(issued),
            Some(Err(e)) => {
                toasts.error(i18n.t(e.message()), None);
            }
            None => {}
        });
    }
    let status = status_line(i18n, &key);
    let title = format!("{} · {}", key.label, key.id);
    let (rotate_id, revoke_id) = (id.clone(), id);
    view! {
        <li class="key-row" class:revoked=revoked>
            <div>
                <strong>{key.label.clone()}</strong>
                " · "{move || i18n.channel(key.channel)}
                <p class="meta"><code>{key.id.clone()}</code>" · ••••"{key.secret_hint.clone()}" · "
                    {move || i18n.tf(Msg::KeyCreatedAt, &[("time", &local_time(key.created_at))])}</p>
                <p class="meta">{status}</p>
                {key.wechat_app_id.clone().map(|app_id| view! {
                    <p class="meta">{move || i18n.tf(Msg::KeySendsReplies, &[("app_id", &app_id)])}</p>
                })}
                {key.email_address.clone().map(|address| view! {
                    <p class="meta">{move || i18n.tf(Msg::KeySendsEmail, &[("address", &address)])}</p>
                })}
                {key.wecom_corp_id.clone().map(|corp_id| view! {
                    <p class="meta">{move || i18n.tf(Msg::KeySendsWecom, &[("corp_id", &corp_id)])}</p>
                })}
                {(key.channel == Channel::Sms).then(|| key.api_base.clone()).flatten().map(|url| view! {
                    <p class="meta">{move || i18n.tf(Msg::KeySendsSms, &[("url", &url)])}</p>
                })}
            </div>
            {(!revoked).then(|| view! {
                <div class="actions" role="group" aria-label=title.clone()>
                    <button type="button" disabled=move || rotate.pending().get()
                        on:click=move |_| { rotate.dispatch(rotate_id.clone()); }>
                        {move || i18n.t(Msg::RotateKey)}
                    </button>
                    {move || if confirming.get() {
                        let id = revoke_id.clone();
                        view! {
                            <button type="button" class="danger" disabled=move || revoke.pending().get()
                                on:click=move |_| { revoke.dispatch(id.clone()); }>
                                {move || i18n.t(Msg::ConfirmRevoke)}
                            </button>
                            <button type="button" on:click=move |_| confirming.set(false)>{move || i18n.t(Msg::Cancel)}</button>
                        }.into_any()
                    } else {
                        view! {
                            <button type="button" on:click=move |_| confirming.set(true)>{move || i18n.t(Msg::RevokeKey)}</button>
                        }.into_any()
                    }}
                </div>
            })}
        </li>
    }
}
