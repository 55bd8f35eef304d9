use leptos::prelude::*;

/// A small line chart drawn as SVG (no chart library): `values` left to right,
/// scaled to the tallest, with the last point marked. `label` says in words what
/// it shows, for those who cannot see it.
#[component]
pub fn Sparkline(values: Vec<usize>, label: String) -> impl IntoView {
    const W: f64 = 120.0;
    const H: f64 = 32.0;
    let top = values.iter().copied().max().unwrap_or(0).max(1) as f64;
    let step = if values.len() > 1 {
        W / (values.len() - 1) as f64
    } else {
        W
    };
    let points: Vec<(f64, f64)> = values
        .iter()
        .enumerate()
        .map(|(i, v)| (i as f64 * step, H - 2.0 - (*v as f64 / top) * (H - 4.0)))
        .collect();
    let line = points
        .iter()
        .map(|(x, y)| format!("{x:.1},{y:.1}"))
        .collect::<Vec<_>>()
        .join(" ");
    let area = format!("0,{H} {line} {W},{H}");
    let last = points.last().copied();
    view! {
        <svg class="sparkline" viewBox=format!("0 0 {W} {H}") role="img" aria-label=label>
            <polygon class="spark-area" points=area />
            <polyline class="spark-line" points=line />
            {last.map(|(x, y)| view! { <circle class="spark-dot" cx=format!("{x:.1}") cy=format!("{y:.1}") r="2.5" /> })}
        </svg>
    }
}
