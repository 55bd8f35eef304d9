//! Settings → Design system: every shared piece of the interface on one page, in
//! both languages, as `docs/design.md` shows and documents them. Pages are built from
//! these; a new page needs nothing that is not here.

use crate::components::{Avatar, AvatarSize, IntentBar, PageHeader, Sparkline};
use crate::i18n::{Msg, PublicMsg, use_i18n};
use leptos::prelude::*;

/// One piece, under its name, with an id the screenshots find it by.
#[component]
fn Piece(id: &'static str, name: Msg, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="panel ds-piece" id=id aria-labelledby=format!("{id}-h")>
            <h2 id=format!("{id}-h")>{move || i18n.t(name)}</h2>
            {children()}
        </section>
    }
}

#[component]
pub fn DesignSystem() -> impl IntoView {
    let i18n = use_i18n();
    let pressed = RwSignal::new(0usize);
    let menu = RwSignal::new(false);
    let dialog = RwSignal::new(false);
    view! {
        <PageHeader title=Msg::DesignSystem intro=Msg::DesignSystemIntro />
        <div class="ds-grid">
            <Piece id="ds-colour" name=Msg::DsColour>
                <ul class="ds-swatches">
                    {["brand", "brand-soft", "ink", "ink-soft", "line", "surface-sunk", "danger", "hot"].map(|t| view! {
                        <li><span class="ds-swatch" style=format!("background: var(--{t})")></span><code>{format!("--{t}")}</code></li>
                    })}
                </ul>
            </Piece>
            <Piece id="ds-type" name=Msg::DsType>
                <p class="ds-type-xl">"连接 Lianjie 客户关系"</p>
                <p class="ds-type-lg">"线索雷达 Lead radar"</p>
                <p>"正文 Body text — 苹方 / 微软雅黑 / 思源黑体 first."</p>
                <p class="intro">"次要文字 Secondary text"</p>
            </Piece>
            <Piece id="ds-buttons" name=Msg::DsButtons>
                <div class="actions">
                    <button type="button" class="cta">{move || i18n.t(Msg::DsPrimary)}</button>
                    <button type="button">{move || i18n.t(Msg::DsSecondary)}</button>
                    <button type="button" class="ghost">{move || i18n.t(Msg::DsQuiet)}</button>
                    <button type="button" class="danger">{move || i18n.t(Msg::RevokeKey)}</button>
                    <button type="button" disabled=true>{move || i18n.t(Msg::DsDisabled)}</button>
                </div>
            </Piece>
            <Piece id="ds-controls" name=Msg::DsControls>
                <form class="editor" on:submit=|ev| ev.prevent_default()>
                    <label>{move || i18n.t(Msg::CustomerName)}<input placeholder="周女士" /></label>
                    <label>{move || i18n.t(Msg::ViaChannel)}
                        <select><option>"微信 WeChat"</option><option>"短信 SMS"</option></select>
                    </label>
                    <label>{move || i18n.t(PublicMsg::MessageLabel)}<textarea rows="2"></textarea></label>
                    <label class="note-toggle"><input type="checkbox" />{move || i18n.t(Msg::DsCheckbox)}</label>
                </form>
            </Piece>
            <Piece id="ds-segmented" name=Msg::DsSegmented>
                <div role="group" class="segmented" aria-label=move || i18n.t(Msg::DsSegmented)>
                    {[Msg::StatusOpen, Msg::StatusPending, Msg::StatusResolved].into_iter().enumerate().map(|(i, m)| view! {
                        <button type="button" aria-pressed=move || (pressed.get() == i).to_string()
                            on:click=move |_| pressed.set(i)>{move || i18n.t(m)}</button>
                    }).collect_view()}
                </div>
            </Piece>
            <Piece id="ds-chips" name=Msg::DsChips>
                <p class="meta">
                    <span class="tag">"价格"</span>
                    <span class="chip">{move || format!("{}: WeChat", i18n.t(Msg::ViaChannel))}
                        <button type="button" aria-label=move || i18n.tf(Msg::RemoveFilter, &[("filter", "WeChat")])>"×"</button>
                    </span>
                    <span class="badge">"3"</span>
                    <span class="badge hot">"HOT"</span>
                    <span class="badge quiet">{move || i18n.tf(Msg::VisitNth, &[("n", "2")])}</span>
                </p>
            </Piece>
            <Piece id="ds-menu" name=Msg::DsMenu>
                <div class="menu">
                    <button type="button" aria-expanded=move || menu.get().to_string() aria-controls="ds-popover"
                        on:click=move |_| menu.update(|m| *m = !*m)>{move || i18n.t(Msg::RadarFilters)}</button>
                    <Show when=move || menu.get()>
                        <div class="popover" id="ds-popover" role="group" aria-label=move || i18n.t(Msg::RadarFilters)>
                            <label>{move || i18n.t(Msg::SortBy)}<select><option>{move || i18n.t(Msg::SortNewest)}</option></select></label>
                            <button type="button" on:click=move |_| menu.set(false)>{move || i18n.t(Msg::DoneAction)}</button>
                        </div>
                    </Show>
                </div>
            </Piece>
            <Piece id="ds-dialog" name=Msg::DsDialog>
                <button type="button" on:click=move |_| dialog.set(true)>{move || i18n.t(Msg::DsOpenDialog)}</button>
                <Show when=move || dialog.get()>
                    <div class="dialog-backdrop" on:click=move |_| dialog.set(false)>
                        <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="ds-dialog-h"
                            on:click=|ev| ev.stop_propagation()>
                            <h2 id="ds-dialog-h">{move || i18n.t(Msg::DsDialog)}</h2>
                            <p>{move || i18n.t(Msg::DsDialogText)}</p>
                            <div class="actions">
                                <button type="button" class="cta" on:click=move |_| dialog.set(false)>{move || i18n.t(Msg::DoneAction)}</button>
                            </div>
                        </div>
                    </div>
                </Show>
            </Piece>
            <Piece id="ds-table" name=Msg::DsTable>
                <table class="table">
                    <thead><tr><th scope="col">{move || i18n.t(Msg::DsRep)}</th><th scope="col" class="num">{move || i18n.t(Msg::ViewsThisWeek)}</th></tr></thead>
                    <tbody>
                        <tr><td>"王磊"</td><td class="num">"25"</td></tr>
                        <tr><td>"Emily Chen"</td><td class="num">"29"</td></tr>
                    </tbody>
                </table>
            </Piece>
            <Piece id="ds-people" name=Msg::DsPeople>
                <p class="actions">
                    <Avatar name="王磊".to_owned() size=AvatarSize::Small />
                    <Avatar name="周女士".to_owned() />
                    <Avatar name="Emily Chen".to_owned() size=AvatarSize::Large />
                </p>
            </Piece>
            <Piece id="ds-charts" name=Msg::DsCharts>
                <Sparkline values=vec![2, 4, 3, 6, 5, 9, 7] label=i18n.tf(Msg::ViewsPerDayLabel, &[("list", "2, 4, 3, 6, 5, 9, 7")]) />
                <IntentBar intent=72 />
            </Piece>
            <Piece id="ds-states" name=Msg::DsStates>
                <div class="empty">
                    <p>{move || i18n.t(Msg::NobodyReading)}</p>
                    <a href="/content">{move || i18n.t(Msg::ShareSomething)}</a>
                </div>
                <span class="skeleton" style="height: 1.2rem; margin-top: .75rem"></span>
                <span class="skeleton" style="height: 1.2rem; width: 60%; margin-top: .4rem"></span>
            </Piece>
        </div>
    }
}
