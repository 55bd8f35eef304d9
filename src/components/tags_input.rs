use leptos::html;
use leptos::prelude::*;
use lianjie_core::content::parse_tags;

/// A comma-separated list of tags. The field is written from `tags` only while it is
/// not being typed in, so neither a colleague's change nor a live update rewrites
/// what is typed, and tidied when left (written at each key, "a," would come back as
/// "a" and a second tag could not be typed). It reports the tags at every key, so a
/// draft holds what is typed, or with `per_edit` once an edit is done (the field
/// left, or Enter), for a field that saves each edit.
#[component]
pub fn TagsInput(
    #[prop(into)] tags: Signal<Vec<String>>,
    on_change: Callback<Vec<String>>,
    #[prop(optional)] per_edit: bool,
    /// The field, for a shortcut that focuses it.
    #[prop(optional)]
    node_ref: Option<NodeRef<html::Input>>,
) -> impl IntoView {
    let field = node_ref.unwrap_or_default();
    // An edit reported (`per_edit`) whose tags have not come back yet: until they
    // do, the field shows what was typed rather than the tags from before it.
    let pending = StoredValue::new(false);
    let write = move |text: String| {
        if let Some(el) = field.get_untracked() {
            el.set_value(&text);
        }
    };
    let show = move || write(tags.with_untracked(|t| t.join(", ")));
    Effect::new(move || {
        tags.track();
        let typing = field.get().is_some_and(|el| {
            let el: &web_sys::Element = &el;
            document().active_element().as_ref() == Some(el)
        });
        if !typing {
            pending.set_value(false);
            show();
        }
    });
    let report = move |ev: web_sys::Event| on_change.run(parse_tags(&event_target_value(&ev)));
    view! {
        <input node_ref=field type="text"
            on:focus=move |_| pending.set_value(false)
            on:input=move |ev| { if !per_edit { report(ev) } }
            on:change=move |ev| {
                if per_edit {
                    pending.set_value(true);
                    report(ev);
                }
            }
            // Tidied: the tags as they are now (changed elsewhere meanwhile, or as
            // typed at every key), or the edit just reported, tidied.
            on:blur=move |ev| {
                if pending.get_value() {
                    write(parse_tags(&event_target_value(&ev)).join(", "));
                } else {
                    show();
                }
            } />
    }
}
