use leptos::html;
use leptos::prelude::*;
use lianjie_core::content::parse_tags;

/// A comma-separated list of tags, read at every key (`on_change`), so a draft holds
/// what is typed. The field is written from `tags` only while it is not being typed
/// in, and tidied when left: written at each key, "a," would come back as "a" and a
/// second tag could not be typed.
#[component]
pub fn TagsInput(
    #[prop(into)] tags: Signal<Vec<String>>,
    on_change: Callback<Vec<String>>,
) -> impl IntoView {
    let field = NodeRef::<html::Input>::new();
    let show = move || {
        if let Some(el) = field.get_untracked() {
            el.set_value(&tags.with_untracked(|t| t.join(", ")));
        }
    };
    Effect::new(move || {
        tags.track();
        let typing = field.get().is_some_and(|el| {
            let el: &web_sys::Element = &el;
            document().active_element().as_ref() == Some(el)
        });
        if !typing {
            show();
        }
    });
    view! {
        <input node_ref=field type="text"
            on:input=move |ev| on_change.run(parse_tags(&event_target_value(&ev)))
            on:blur=move |_| show() />
    }
}
