//! The platform settings a credential may carry beside its secret: an SMS gateway
//! (where and how replies are sent, what receipts are called), a WeCom
//! organization (whose callbacks are encrypted, whose 微信客服 sends replies) and a
//! support mailbox (read by IMAP, replies sent by SMTP).

use crate::components::FormField;
use crate::error::problem_message;
use crate::i18n::{Msg, use_i18n};
use leptos::prelude::*;
use lianjie_core::adapter::WecomAccount;
use lianjie_core::mailbox::{MailSecurity, Mailbox};
use lianjie_core::sms_gateway::{BodyFormat, SmsGateway};
use lianjie_core::validate::FieldErrors;

/// The SMS gateway's settings as typed; empty address: the credential signs only.
#[derive(Clone, Copy)]
pub(super) struct SmsFields {
    url: RwSignal<String>,
    post: RwSignal<bool>,
    form: RwSignal<bool>,
    body: RwSignal<String>,
    authorization: RwSignal<String>,
    ref_field: RwSignal<String>,
    status_field: RwSignal<String>,
}

impl Default for SmsFields {
    fn default() -> Self {
        SmsFields {
            url: RwSignal::new(String::new()),
            post: RwSignal::new(true),
            form: RwSignal::new(false),
            body: RwSignal::new(r#"{"to": "{to}", "text": "{text}", "ref": "{ref}"}"#.into()),
            authorization: RwSignal::new(String::new()),
            ref_field: RwSignal::new("ref".into()),
            status_field: RwSignal::new("status".into()),
        }
    }
}

impl SmsFields {
    pub(super) fn gateway(&self) -> Option<SmsGateway> {
        let url = self.url.get_untracked().trim().to_owned();
        (!url.is_empty()).then(|| SmsGateway {
            url,
            method: if self.post.get_untracked() {
                "POST"
            } else {
                "GET"
            }
            .into(),
            format: if self.form.get_untracked() {
                BodyFormat::Form
            } else {
                BodyFormat::Json
            },
            body: self.body.get_untracked(),
            authorization: self.authorization.get_untracked().trim().to_owned(),
            receipt_ref_field: self.ref_field.get_untracked().trim().to_owned(),
            receipt_status_field: self.status_field.get_untracked().trim().to_owned(),
        })
    }

    pub(super) fn clear(&self) {
        let fresh = SmsFields::default();
        self.url.set(String::new());
        self.authorization.set(String::new());
        self.body.set(fresh.body.get_untracked());
    }
}

/// An SMS credential's gateway: where and how replies are sent, and what its
/// receipts are called.
#[component]
pub(super) fn SmsGatewayFields(
    fields: SmsFields,
    problems: RwSignal<FieldErrors>,
) -> impl IntoView {
    let i18n = use_i18n();
    let choice = move |label: Msg,
                       id: &'static str,
                       on: RwSignal<bool>,
                       yes: &'static str,
                       no: &'static str| {
        view! {
            <label for=id>{move || i18n.t(label)}</label>
            <select id=id on:change=move |ev| on.set(event_target_value(&ev) == yes)>
                <option value=yes selected=move || on.get()>{yes}</option>
                <option value=no selected=move || !on.get()>{no}</option>
            </select>
        }
    };
    view! {
        <fieldset class="wechat-account">
            <legend>{move || i18n.t(Msg::SmsGateway)}</legend>
            <p class="meta">{move || i18n.t(Msg::SmsGatewayHint)}</p>
            <FormField form="new-key" key="sms.url" label=Msg::SmsUrl value=fields.url problems kind="url" />
            {choice(Msg::SmsMethod, "new-key-sms-method", fields.post, "POST", "GET")}
            {choice(Msg::SmsFormat, "new-key-sms-format", fields.form, "form", "json")}
            <FormField form="new-key" key="sms.body" label=Msg::SmsBody value=fields.body problems multiline=true />
            <FormField form="new-key" key="sms.authorization" label=Msg::SmsAuthorization value=fields.authorization problems kind="password" autocomplete="new-password" />
            <FormField form="new-key" key="sms.receipt_ref_field" label=Msg::SmsRefField value=fields.ref_field problems />
            <FormField form="new-key" key="sms.receipt_status_field" label=Msg::SmsStatusField value=fields.status_field problems />
        </fieldset>
    }
}

/// A WeCom organization as typed; all empty: the credential reads only adapters'
/// signed JSON.
#[derive(Clone, Copy)]
pub(super) struct WecomFields {
    corp_id: RwSignal<String>,
    secret: RwSignal<String>,
    aes_key: RwSignal<String>,
    open_kfid: RwSignal<String>,
    api_base: RwSignal<String>,
}

impl Default for WecomFields {
    fn default() -> Self {
        WecomFields {
            corp_id: RwSignal::new(String::new()),
            secret: RwSignal::new(String::new()),
            aes_key: RwSignal::new(String::new()),
            open_kfid: RwSignal::new(String::new()),
            api_base: RwSignal::new(String::new()),
        }
    }
}

impl WecomFields {
    fn all(&self) -> [RwSignal<String>; 5] {
        [
            self.corp_id,
            self.secret,
            self.aes_key,
            self.open_kfid,
            self.api_base,
        ]
    }

    pub(super) fn account(&self) -> Option<WecomAccount> {
        let [corp_id, secret, encoding_aes_key, open_kfid, api_base] =
            self.all().map(|f| f.get_untracked().trim().to_owned());
        let given = [&corp_id, &secret, &encoding_aes_key, &open_kfid]
            .iter()
            .any(|v| !v.is_empty());
        given.then_some(WecomAccount {
            corp_id,
            secret,
            encoding_aes_key,
            open_kfid,
            api_base,
        })
    }

    pub(super) fn clear(&self) {
        for field in self.all() {
            field.set(String::new());
        }
    }
}

/// A WeCom credential's organization and customer-service account.
#[component]
pub(super) fn WecomAccountFields(
    fields: WecomFields,
    problems: RwSignal<FieldErrors>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <fieldset class="wechat-account">
            <legend>{move || i18n.t(Msg::WecomAccount)}</legend>
            <p class="meta">{move || i18n.t(Msg::WecomAccountHint)}</p>
            <FormField form="new-key" key="wecom.corp_id" label=Msg::WecomCorpId value=fields.corp_id problems />
            <FormField form="new-key" key="wecom.secret" label=Msg::WecomSecret value=fields.secret problems kind="password" autocomplete="new-password" />
            <FormField form="new-key" key="wecom.encoding_aes_key" label=Msg::WechatAesKey value=fields.aes_key problems />
            <FormField form="new-key" key="wecom.open_kfid" label=Msg::WecomOpenKfid value=fields.open_kfid problems />
            <FormField form="new-key" key="wecom.api_base" label=Msg::WecomApiBase value=fields.api_base problems kind="url" />
        </fieldset>
    }
}

/// A support mailbox as typed; an empty address: the credential reads only
/// adapters' signed JSON.
#[derive(Clone, Copy)]
pub(super) struct MailboxFields {
    address: RwSignal<String>,
    display_name: RwSignal<String>,
    imap_host: RwSignal<String>,
    imap_port: RwSignal<String>,
    imap_security: RwSignal<MailSecurity>,
    smtp_host: RwSignal<String>,
    smtp_port: RwSignal<String>,
    smtp_security: RwSignal<MailSecurity>,
    username: RwSignal<String>,
    password: RwSignal<String>,
}

impl Default for MailboxFields {
    fn default() -> Self {
        let text = |v: &str| RwSignal::new(v.to_owned());
        MailboxFields {
            address: text(""),
            display_name: text(""),
            imap_host: text(""),
            imap_port: text("993"),
            imap_security: RwSignal::new(MailSecurity::Tls),
            smtp_host: text(""),
            smtp_port: text("465"),
            smtp_security: RwSignal::new(MailSecurity::Tls),
            username: text(""),
            password: text(""),
        }
    }
}

impl MailboxFields {
    pub(super) fn mailbox(&self) -> Option<Mailbox> {
        let text = |f: RwSignal<String>| f.get_untracked().trim().to_owned();
        // A port that is no number is 0, which the mailbox's check names.
        let port = |f: RwSignal<String>| text(f).parse().unwrap_or(0);
        let address = text(self.address);
        (!address.is_empty()).then(|| Mailbox {
            address,
            display_name: text(self.display_name),
            imap_host: text(self.imap_host),
            imap_port: port(self.imap_port),
            imap_security: self.imap_security.get_untracked(),
            smtp_host: text(self.smtp_host),
            smtp_port: port(self.smtp_port),
            smtp_security: self.smtp_security.get_untracked(),
            username: text(self.username),
            password: self.password.get_untracked(),
        })
    }

    pub(super) fn clear(&self) {
        for field in [
            self.address,
            self.display_name,
            self.imap_host,
            self.smtp_host,
            self.username,
            self.password,
        ] {
            field.set(String::new());
        }
    }
}

/// An email credential's support mailbox.
#[component]
pub(super) fn MailboxFieldset(
    fields: MailboxFields,
    problems: RwSignal<FieldErrors>,
) -> impl IntoView {
    let i18n = use_i18n();
    // A select has no FormField: its problem (plain to another machine) is said here.
    let security = move |label: Msg,
                         key: &'static str,
                         on: RwSignal<MailSecurity>,
                         starttls: bool| {
        let choices = [
            (MailSecurity::Tls, "tls", Msg::SecurityTls),
            (MailSecurity::Starttls, "starttls", Msg::SecurityStarttls),
            (MailSecurity::Plain, "plain", Msg::SecurityPlain),
        ];
        let id = format!("new-key-{}", key.replace('.', "-"));
        let hint = format!("{id}-problem");
        let problem = move || problems.read().get(key).map(|p| i18n.t(problem_message(p)));
        view! {
            <label for=id.clone()>{move || i18n.t(label)}</label>
            <select id=id aria-describedby=hint.clone()
                aria-invalid=move || problem().is_some().to_string()
                on:change=move |ev| {
                    let picked = event_target_value(&ev);
                    if let Some((value, ..)) = choices.iter().find(|(_, slug, _)| *slug == picked) {
                        on.set(*value);
                    }
                }>
                {choices.into_iter().filter(|(v, ..)| starttls || *v != MailSecurity::Starttls).map(|(value, slug, name)| view! {
                    <option value=slug selected=move || on.get() == value>{move || i18n.t(name)}</option>
                }).collect_view()}
            </select>
            <span class="field-problem" id=hint>{problem}</span>
        }
    };
    view! {
        <fieldset class="wechat-account">
            <legend>{move || i18n.t(Msg::EmailMailbox)}</legend>
            <p class="meta">{move || i18n.t(Msg::EmailMailboxHint)}</p>
            <FormField form="new-key" key="email.address" label=Msg::SupportAddress value=fields.address problems kind="email" />
            <FormField form="new-key" key="email.display_name" label=Msg::SignedAs value=fields.display_name problems />
            <FormField form="new-key" key="email.imap_host" label=Msg::ImapHost value=fields.imap_host problems />
            <FormField form="new-key" key="email.imap_port" label=Msg::ImapPort value=fields.imap_port problems />
            {security(Msg::ImapSecurity, "email.imap_security", fields.imap_security, false)}
            <FormField form="new-key" key="email.smtp_host" label=Msg::SmtpHost value=fields.smtp_host problems />
            <FormField form="new-key" key="email.smtp_port" label=Msg::SmtpPort value=fields.smtp_port problems />
            {security(Msg::SmtpSecurity, "email.smtp_security", fields.smtp_security, true)}
            <FormField form="new-key" key="email.username" label=Msg::MailLogin value=fields.username problems />
            <FormField form="new-key" key="email.password" label=Msg::MailPassword value=fields.password problems kind="password" autocomplete="new-password" />
        </fieldset>
    }
}
