use super::use_address;
use crate::i18n::{PublicMsg, Text, use_i18n};
use leptos::prelude::*;
use lianjie_core::Locale;

/// One button per language, each named in its own language so a reader who can't
/// read the current one still finds theirs.
#[component]
pub fn LanguageSwitcher() -> impl IntoView {
    let i18n = use_i18n();
    let address = use_address();

    let choose = move |locale: Locale| {
        i18n.set_locale(locale);
        // A `?lang=` in the address would win again on reload: keep it in step.
        let Ok(query) = web_sys::UrlSearchParams::new_with_str(&address.query.get_untracked())
        else {
            return;
        };
        if query.has("lang") {
            query.set("lang", locale.code());
            let path = address.path.get_untracked();
            address.replace(&format!("{path}?{}", String::from(query.to_string())));
        }
    };

    view! {
        <div class="lang-switcher" role="group" aria-label=move || i18n.t(PublicMsg::Language)>
            {Locale::ALL
                .into_iter()
                .map(|locale| {
                    view! {
                        <button
                            type="button"
                            lang=locale.tag()
                            aria-pressed=move || (i18n.locale() == locale).to_string()
                            on:click=move |_| choose(locale)
                        >
                            {PublicMsg::LanguageName.text(locale)}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}
