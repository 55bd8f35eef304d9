//! The form for a reader's details on a page the reader runs. The server painted it
//! (core's `first_paint::lead_form`, the markup of the app's `LeadForm`); here it is
//! checked with core's rules, sent on the reader's own link once the view is open (a
//! form sent sooner waits for it), and what it held back is shown in its place, as
//! the app's shared page does.

use crate::api::{HttpBackend, PublicApi};
use crate::error::{AppError, problem_message};
use crate::tracker::{Tracker, reader_links};
use gloo_events::{EventListener, EventListenerOptions};
use lianjie_core::Locale;
use lianjie_core::api::OpenedShare;
use lianjie_core::catalogue::{PublicMsg, Text as _};
use lianjie_core::content::Block;
use lianjie_core::first_paint::{LEAD_FIELDS, blocks, lead_details};
use lianjie_core::share::LeadDetails;
use lianjie_core::tracking::ViewAction;
use lianjie_core::validate::FieldErrors;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;

/// The page's form for details, listened to from the reader's start.
pub struct LeadForm {
    page: Rc<Page>,
    _listeners: [EventListener; 2],
}

/// What the listeners share: the form and where the view stands.
struct Page {
    form: web_sys::Element,
    locale: Locale,
    view: RefCell<View>,
}

enum View {
    /// Not open yet: details sent now wait for it.
    Opening {
        waiting: Option<LeadDetails>,
    },
    Open(Open),
    /// It could not be opened, so the details have no link to go on.
    Failed(AppError),
}

#[derive(Clone)]
struct Open {
    api: HttpBackend,
    reader: String,
    tracker: Tracker,
    /// The blocks the form holds back (none for the ask at the article's end).
    rest: Rc<[Block]>,
}

impl LeadForm {
    /// Listens to the page's form, if the page has one.
    pub fn watch(document: &web_sys::Document, locale: Locale) -> Option<LeadForm> {
        let form = document.query_selector("form.lead-form").ok()??;
        let page = Rc::new(Page {
            form: form.clone(),
            locale,
            view: RefCell::new(View::Opening { waiting: None }),
        });
        let on_submit = {
            let page = page.clone();
            // Not passive: the page must not be submitted to the server.
            let options = EventListenerOptions::enable_prevent_default();
            EventListener::new_with_options(&form, "submit", options, move |event| {
                event.prevent_default();
                page.submit();
            })
        };
        let on_skip = {
            let page = page.clone();
            EventListener::new(&form, "click", move |event| {
                let skip = event
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .and_then(|t| t.closest("button[type=button]").ok().flatten());
                if skip.is_some() {
                    page.form.remove();
                }
            })
        };
        // "Not now" is painted hidden: only now does it work.
        if let Ok(Some(skip)) = form.query_selector("button[type=button]") {
            let _ = skip.remove_attribute("hidden");
        }
        Some(LeadForm {
            page,
            _listeners: [on_submit, on_skip],
        })
    }

    /// The view is open: details go on the reader's own link from now on, and any
    /// waiting are sent. A reader who left them before on this link reads on.
    pub fn opened(&self, opened: &OpenedShare, api: HttpBackend, tracker: Tracker) {
        let mut rest = opened
            .content
            .as_ref()
            .map(|c| c.blocks.clone())
            .unwrap_or_default();
        let open = opened.share.lead_capture.open_blocks(rest.len());
        let open = Open {
            api,
            reader: opened.child_token.clone(),
            tracker,
            rest: rest.split_off(open).into(),
        };
        if reader_links::lead_left(&open.reader) {
            self.page.unlock(&open.rest, false);
            return;
        }
        let before = self.page.view.replace(View::Open(open.clone()));
        if let View::Opening {
            waiting: Some(details),
        } = before
        {
            self.page.clone().send(open, details);
        }
    }

    /// The view could not be opened: details waiting, or sent later, are refused
    /// with the reason.
    pub fn failed(&self, error: AppError) {
        let before = self.page.view.replace(View::Failed(error.clone()));
        if matches!(before, View::Opening { waiting: Some(_) }) {
            self.page.busy(false);
            self.page.alert("failed", Some(error.message()));
        }
    }
}

impl Page {
    fn submit(self: &Rc<Self>) {
        let details = lead_details(LEAD_FIELDS.map(|field| {
            self.element(&field.input_id())
                .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
                .map(|input| input.value())
                .unwrap_or_default()
        }));
        if let Err(problems) = details.validate() {
            self.problems(&problems);
            return;
        }
        self.problems(&FieldErrors::default());
        self.alert("failed", None);
        let open = match &mut *self.view.borrow_mut() {
            View::Opening { waiting } => {
                *waiting = Some(details);
                self.busy(true);
                return;
            }
            View::Open(open) => open.clone(),
            View::Failed(error) => {
                self.alert("failed", Some(error.message()));
                return;
            }
        };
        self.clone().send(open, details);
    }

    fn send(self: Rc<Self>, open: Open, details: LeadDetails) {
        self.busy(true);
        wasm_bindgen_futures::spawn_local(async move {
            let sent = open.api.capture_lead(open.reader.clone(), details).await;
            self.busy(false);
            match sent {
                Ok(()) => {
                    open.tracker.action(ViewAction::LeftDetails);
                    reader_links::remember_lead(&open.reader);
                    self.unlock(&open.rest, true);
                }
                Err(AppError::Invalid(problems)) => self.problems(&problems),
                Err(error) => self.alert("failed", Some(error.message())),
            }
        });
    }

    /// Shows what the form held back in its place (the tracker finds the new sections
    /// on its next tick), and thanks the reader when they have just left details.
    fn unlock(&self, rest: &[Block], thank: bool) {
        // Core's first paint, the markup the server writes: every text in it escaped.
        let mut html = String::new();
        blocks(&mut html, rest);
        let _ = self.form.insert_adjacent_html("beforebegin", &html);
        let article = self.form.parent_element();
        self.form.remove();
        if let (true, Some(article)) = (thank, article)
            && let Some(thanks) = self.paragraph(PublicMsg::LeadThanks, "status", "lead-thanks")
        {
            let _ = article.append_child(&thanks);
        }
    }

    /// Each field's problem beside it, as the app's `FormField` says it.
    fn problems(&self, problems: &FieldErrors) {
        for field in LEAD_FIELDS {
            let id = field.input_id();
            let problem = problems.get(field.key).map(problem_message);
            if let Some(input) = self.element(&id) {
                let _ = input.set_attribute("aria-invalid", &problem.is_some().to_string());
            }
            if let Some(hint) = self.element(&field.problem_id()) {
                hint.set_text_content(problem.map(|p| p.text(self.locale)));
            }
        }
        let contact = problems.get("contact").map(|_| PublicMsg::LeadNeedsContact);
        self.alert("contact", contact);
    }

    /// The form's alert `which` (above its buttons) saying `msg`, or gone.
    fn alert(&self, which: &str, msg: Option<PublicMsg>) {
        let selector = format!("p.form-error[data-alert={which}]");
        let shown = self.form.query_selector(&selector).ok().flatten();
        match (shown, msg) {
            (Some(p), Some(msg)) => p.set_text_content(Some(msg.text(self.locale))),
            (Some(p), None) => p.remove(),
            (None, Some(msg)) => {
                let actions = self.form.query_selector(".form-actions").ok().flatten();
                if let Some(p) = self.paragraph(msg, "alert", "form-error") {
                    let _ = p.set_attribute("data-alert", which);
                    let _ = self
                        .form
                        .insert_before(&p, actions.as_ref().map(|a| a.as_ref()));
                }
            }
            (None, None) => {}
        }
    }

    /// A new paragraph saying `msg`, with its `role` and `class`, for the caller to
    /// place.
    fn paragraph(&self, msg: PublicMsg, role: &str, class: &str) -> Option<web_sys::Element> {
        let p = self.form.owner_document()?.create_element("p").ok()?;
        let _ = p.set_attribute("role", role);
        p.set_class_name(class);
        p.set_text_content(Some(msg.text(self.locale)));
        Some(p)
    }

    fn busy(&self, busy: bool) {
        if let Ok(Some(button)) = self.form.query_selector("button[type=submit]") {
            let _ = button.toggle_attribute_with_force("disabled", busy);
        }
    }

    fn element(&self, id: &str) -> Option<web_sys::Element> {
        self.form.owner_document()?.get_element_by_id(id)
    }
}
