use crate::i18n::{PublicMsg, Text, use_i18n};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate};
use lianjie_core::Locale;

/// One button per language, each named in its own language so a reader who can't
/// read the current one still finds theirs.
#[component]
pub fn LanguageSwitcher() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let navigate = use_navigate();

    let choose = move |locale: Locale| {
        i18n.set_locale(locale);
        // A `?lang=` in the address would win again on reload: keep it in step.
        let query = location.query.get_untracked();
        if query.get_str("lang").is_some() {
            let mut query = query;
            query.replace("lang", locale.code().to_owned());
            let url = format!(
                "{}{}",
                location.pathname.get_untracked(),
                query.to_query_string()
            );
            navigate(
                &url,
                NavigateOptions {
                    replace: true,
                    scroll: false,
                    ..Default::default()
                },
            );
        }
    };

    view! {
        <div class="lang-switcher" role="group" aria-label=move || i18n.t(PublicMsg::Language)>
            {Locale::ALL
                .into_iter()
                .map(|locale| {
                    let choose = choose.clone();
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
