use crate::i18n::{Msg, use_i18n};
use leptos::html;
use leptos::prelude::*;
use lianjie_core::format::words_match;

/// One thing the palette can do: what it says, its key if it has one, and the action.
#[derive(Clone)]
pub struct PaletteCommand {
    pub label: String,
    pub key: Option<&'static str>,
    pub run: Callback<()>,
}

/// Ctrl/Cmd+K: every inbox action, filter and page by name. Type to narrow, arrows
/// to choose, Enter to run, Escape to close; a modal dialog with a combobox and a
/// listbox, so a screen reader hears the choice as it moves.
#[component]
pub fn CommandPalette(
    open: RwSignal<bool>,
    commands: Signal<Vec<PaletteCommand>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let query = RwSignal::new(String::new());
    let active = RwSignal::new(0usize);
    let input = NodeRef::<html::Input>::new();
    // Focus returns where it was when the palette closes.
    let before = StoredValue::new_local(None::<web_sys::HtmlElement>);
    let shown = Memo::new(move |_| {
        let q = query.get();
        commands.with(|all| {
            all.iter()
                .enumerate()
                .filter(|(_, c)| words_match(&c.label, &q))
                .map(|(i, c)| (i, c.label.clone(), c.key))
                .collect::<Vec<_>>()
        })
    });
    let close = move || {
        open.set(false);
        if let Some(el) = before.get_value() {
            let _ = el.focus();
        }
    };
    let run = move |at: usize| {
        let Some(index) = shown.with_untracked(|s| s.get(at).map(|(i, ..)| *i)) else {
            return;
        };
        let command = commands.with_untracked(|all| all.get(index).map(|c| c.run));
        close();
        if let Some(run) = command {
            run.run(());
        }
    };
    Effect::new(move || {
        if open.get() {
            before.set_value(
                document()
                    .active_element()
                    .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok()),
            );
            query.set(String::new());
            active.set(0);
            if let Some(el) = input.get() {
                let _ = el.focus();
            }
        }
    });
    let option_id = |at: usize| format!("palette-option-{at}");
    view! {
        <Show when=move || open.get()>
            <div class="palette-backdrop" on:click=move |_| close()>
                <div class="palette" role="dialog" aria-modal="true"
                    aria-label=move || i18n.t(Msg::CommandPalette)
                    on:click=|ev| ev.stop_propagation()>
                    <input node_ref=input type="text" role="combobox" autocomplete="off"
                        aria-label=move || i18n.t(Msg::CommandPaletteSearch)
                        aria-expanded="true" aria-controls="palette-options"
                        aria-activedescendant=move || (!shown.with(Vec::is_empty)).then(|| option_id(active.get()))
                        prop:value=move || query.get()
                        on:input=move |ev| {
                            query.set(event_target_value(&ev));
                            active.set(0);
                        }
                        on:keydown=move |ev| {
                            let len = shown.with_untracked(Vec::len);
                            match ev.key().as_str() {
                                "ArrowDown" => active.update(|a| *a = if len == 0 { 0 } else { (*a + 1) % len }),
                                "ArrowUp" => active.update(|a| *a = if len == 0 { 0 } else { (*a + len - 1) % len }),
                                "Enter" => run(active.get_untracked()),
                                "Escape" => close(),
                                _ => return,
                            }
                            ev.prevent_default();
                            ev.stop_propagation();
                        } />
                    <ul id="palette-options" role="listbox" aria-label=move || i18n.t(Msg::CommandPalette)>
                        <For each=move || shown.get().into_iter().enumerate() key=|(at, (i, ..))| (*at, *i) let((at, (_, label, key)))>
                            <li id=option_id(at) role="option" aria-selected=move || (active.get() == at).to_string()
                                on:mousemove=move |_| active.set(at)
                                on:click=move |_| run(at)>
                                <span>{label}</span>
                                {key.map(|k| view! { <kbd>{k}</kbd> })}
                            </li>
                        </For>
                    </ul>
                    {move || shown.with(Vec::is_empty).then(|| view! {
                        <p class="empty" role="status">{i18n.t(Msg::NoCommands)}</p>
                    })}
                </div>
            </div>
        </Show>
    }
}
