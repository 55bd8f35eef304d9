use crate::i18n::{Msg, use_i18n};
use leptos::prelude::*;
use lianjie_core::analytics::DayCount;

/// Days the chart covers, ending today.
const DAYS: i64 = 14;

/// Views per day over the last two weeks as SVG bars (no chart library), today at
/// the right; days without views stand at zero. The figures are in its name for
/// those who cannot see it.
#[component]
pub fn DayBars(days: Vec<DayCount>) -> impl IntoView {
    let i18n = use_i18n();
    let today = chrono::Utc::now().date_naive();
    let counts: Vec<(chrono::NaiveDate, usize)> = (0..DAYS)
        .rev()
        .map(|back| {
            let day = today - chrono::Duration::days(back);
            let count = days.iter().find(|d| d.day == day).map_or(0, |d| d.count);
            (day, count)
        })
        .collect();
    let top = counts.iter().map(|(_, c)| *c).max().unwrap_or(0).max(1) as f64;
    const W: f64 = 28.0;
    const H: f64 = 80.0;
    let list = counts
        .iter()
        .map(|(_, c)| c.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let bars = counts
        .iter()
        .enumerate()
        .map(|(i, (day, count))| {
            let h = (*count as f64 / top) * (H - 14.0);
            let x = i as f64 * W;
            let label = day.format("%m-%d").to_string();
            view! {
                <g>
                    <rect class="day-bar" x=format!("{:.1}", x + 4.0) y=format!("{:.1}", H - 14.0 - h)
                        width=format!("{:.1}", W - 8.0) height=format!("{h:.1}") rx="3" />
                    {(*count > 0).then(|| view! {
                        <text class="day-count" x=format!("{:.1}", x + W / 2.0) y=format!("{:.1}", H - 17.0 - h)>{count.to_string()}</text>
                    })}
                    {(i % 3 == 1 || i as i64 == DAYS - 1).then(|| view! {
                        <text class="day-label" x=format!("{:.1}", x + W / 2.0) y=format!("{H:.1}")>{label}</text>
                    })}
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="day-bars">
            <svg viewBox=format!("0 -8 {} {}", W * DAYS as f64, H + 8.0) role="img"
                aria-label=move || i18n.tf(Msg::ViewsPerDayLabel, &[("list", &list)])>
                {bars}
            </svg>
            <figcaption>{move || i18n.t(Msg::ViewsPerDay)}</figcaption>
        </figure>
    }
}
