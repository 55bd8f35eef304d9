//! Backend events in bursts: the first at once, the rest of a window together, in
//! order, none lost; a page refetching on each reads once a window.

use leptos::prelude::*;
use lianjie::api::{EventHub, Subscription};
use lianjie_core::api::Event;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen_test::*;

async fn wait_ms(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
}

fn changed(n: usize) -> Event {
    Event::Customers {
        ids: vec![format!("k-{n}")],
    }
}

#[wasm_bindgen_test]
async fn a_burst_is_delivered_first_at_once_then_together_in_order() {
    let hub = EventHub::default();
    let seen: Rc<RefCell<Vec<Event>>> = Rc::default();
    let sink = seen.clone();
    let _sub = hub.subscribe(Rc::new(move |e: &Event| sink.borrow_mut().push(e.clone())));

    for n in 0..4 {
        hub.notify(&changed(n));
    }
    assert_eq!(
        *seen.borrow(),
        vec![changed(0)],
        "the first goes out at once"
    );
    wait_ms(200).await;
    assert_eq!(seen.borrow().len(), 1, "the rest wait for the window's end");
    wait_ms(500).await;
    assert_eq!(*seen.borrow(), (0..4).map(changed).collect::<Vec<_>>());

    // Quiet for a whole window: the next event goes out at once again.
    wait_ms(700).await;
    hub.notify(&changed(9));
    assert_eq!(seen.borrow().last(), Some(&changed(9)));
}

#[wasm_bindgen_test]
async fn a_page_refetching_on_every_event_reads_once_a_window() {
    let fetches = Rc::new(Cell::new(0));
    let hub = Rc::new(EventHub::default());
    let listening: Rc<RefCell<Option<Subscription>>> = Rc::default();
    let _page = {
        let (fetches, hub, listening) = (fetches.clone(), hub.clone(), listening.clone());
        leptos::mount::mount_to(crate::fresh_container(), move || {
            let list = LocalResource::new(move || {
                fetches.set(fetches.get() + 1);
                async {}
            });
            let sub = hub.subscribe(Rc::new(move |_: &Event| list.refetch()));
            listening.replace(Some(sub));
        })
    };
    wait_ms(50).await;
    assert_eq!(fetches.get(), 1);

    // Ten events, as from the live stream: each in its own turn, all well inside
    // the first window even on a loaded machine.
    for n in 0..10 {
        hub.notify(&changed(n));
        wait_ms(5).await;
    }
    wait_ms(800).await;
    // The first event's read, then one for the nine the window held.
    assert_eq!(fetches.get(), 3);
    listening.take();
}
