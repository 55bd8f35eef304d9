//! Which rows of a long list of equal-height rows to render: those in view and a
//! few beyond each edge, so 10,000 rows cost what 30 do.

use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use leptos_use::use_event_listener;

/// Rows rendered beyond each edge of the view, so fast scrolling shows no gaps.
const OVERSCAN: usize = 8;

pub struct VirtualRowsOptions {
    /// Every row's height in CSS pixels (the stylesheet's).
    pub row_px: f64,
    /// How many rows exist, loaded or not.
    pub total: Signal<usize>,
    /// Asked when the view comes near the end of the rows loaded, while more exist.
    pub near_end: Callback<()>,
}

/// The rows to render of `len` loaded, in a scrolling element: `range` is the
/// first and one past the last; `measure` is the scroller's `scroll` handler.
#[derive(Clone, Copy)]
pub struct VirtualRows {
    pub range: Memo<(usize, usize)>,
    pub row_px: f64,
    scroll_top: RwSignal<f64>,
    height: RwSignal<f64>,
    scroller: NodeRef<html::Div>,
}

impl VirtualRows {
    /// Reads the scroller's position and size again.
    pub fn measure(&self) {
        if let Some(el) = self.scroller.get_untracked() {
            self.height.set(f64::from(el.client_height()));
            self.scroll_top.set(f64::from(el.scroll_top()));
        }
    }

    /// Padding above the rendered rows, standing in for those scrolled past.
    pub fn before_px(&self) -> String {
        format!("{}px", self.range.get().0 as f64 * self.row_px)
    }

    /// Padding below, for the loaded rows after the rendered ones.
    pub fn after_px(&self, len: usize) -> String {
        format!(
            "{}px",
            len.saturating_sub(self.range.get().1) as f64 * self.row_px
        )
    }

    /// The rows of `list` to render now, each with its place in the whole list.
    pub fn slice<T: Clone + Send + Sync + 'static>(&self, list: Memo<Vec<T>>) -> Vec<(usize, T)> {
        let (first, end) = self.range.get();
        list.with(|l| {
            l[first.min(l.len())..end.min(l.len())]
                .iter()
                .enumerate()
                .map(|(i, item)| (first + i, item.clone()))
                .collect()
        })
    }

    /// Scrolls just enough to show row `index` whole.
    pub fn reveal(&self, index: usize) {
        if let Some(el) = self.scroller.get_untracked() {
            let top = index as f64 * self.row_px;
            let (view_top, view) = (f64::from(el.scroll_top()), f64::from(el.client_height()));
            if top < view_top {
                el.set_scroll_top(top as i32);
            } else if top + self.row_px > view_top + view {
                el.set_scroll_top((top + self.row_px - view) as i32);
            }
        }
    }
}

pub fn use_virtual_rows(
    scroller: NodeRef<html::Div>,
    len: Signal<usize>,
    options: VirtualRowsOptions,
) -> VirtualRows {
    let VirtualRowsOptions {
        row_px,
        total,
        near_end,
    } = options;
    let scroll_top = RwSignal::new(0.0);
    let height = RwSignal::new(0.0);
    let range = Memo::new(move |_| {
        let len = len.get();
        // Before the first measurement, assume a tall view rather than render none.
        let view = if height.get() > 0.0 {
            height.get()
        } else {
            1_200.0
        };
        let first = ((scroll_top.get() / row_px) as usize)
            .saturating_sub(OVERSCAN)
            .min(len);
        let shown = (view / row_px).ceil() as usize + 2 * OVERSCAN;
        (first, (first + shown).min(len))
    });
    let rows = VirtualRows {
        range,
        row_px,
        scroll_top,
        height,
        scroller,
    };
    Effect::new(move || {
        if scroller.get().is_some() {
            rows.measure();
        }
    });
    let _ = use_event_listener(window(), ev::resize, move |_| rows.measure());
    Effect::new(move || {
        let (_, end) = range.get();
        let len = len.get();
        if len > 0 && end + OVERSCAN >= len && len < total.get() {
            near_end.run(());
        }
    });
    rows
}
