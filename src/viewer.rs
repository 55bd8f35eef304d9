//! Who is using the staff app: the signed-in staff member, their organization and
//! colleagues, and core's [`Caller`] built from them. The staff layout loads it once
//! signed in (and again when staff change); pages ask it what to offer, with the same
//! rules the backends enforce, so a control the role cannot use is not shown rather
//! than refused. The backends stay the authority: what they refuse is said plainly.

use crate::i18n::Msg;
use leptos::prelude::*;
use lianjie_core::people::User;
use lianjie_core::scope::{Action, Caller};
use lianjie_core::team::Organization;

#[derive(Clone, Debug, PartialEq)]
pub struct Viewer {
    pub me: User,
    pub org: Organization,
    /// Everyone in the organization, deactivated staff included.
    pub staff: Vec<User>,
    pub caller: Caller,
}

/// Pages only some roles may open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    /// Their own card: sellers (and anyone else who has one, but not agents).
    MyCard,
    Radar,
    /// Writing content, and changing what they may change.
    EditContent,
    /// Who read an item: shares and analytics are the rep's (manager: team's).
    ContentAnalytics,
    /// Playing a customer on a channel: admins test adapters by hand.
    Simulator,
    /// Staff and departments.
    Team,
    /// Channel adapters' credentials.
    Adapters,
    /// Deals are sellers' (and admins'): support has none.
    Pipeline,
    /// The public pool: sellers claim from it, managers and admins hand it out.
    Pool,
}

impl Viewer {
    /// A colleague's name, by id.
    pub fn staff_name(&self, id: &str) -> Option<String> {
        self.staff
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.name.clone())
    }

    pub fn new(me: User, org: Organization, staff: Vec<User>) -> Viewer {
        let caller = Caller::new(&me, &org, &staff);
        Viewer {
            me,
            org,
            staff,
            caller,
        }
    }

    /// Whether the caller covers anyone besides themselves (a manager, an admin):
    /// a rep's team is themselves, so there is no choice of whom to show.
    pub fn covers_others(&self) -> bool {
        self.staff
            .iter()
            .any(|u| u.id != self.me.id && self.caller.covers(Some(&u.id)))
    }

    pub fn may(&self, action: Action) -> bool {
        self.caller.may(action)
    }

    pub fn opens(&self, gate: Gate) -> bool {
        match gate {
            Gate::MyCard => self.me.card_id.is_some() && self.may(Action::EditCard),
            Gate::Radar | Gate::ContentAnalytics => self.may(Action::SeeRadar),
            Gate::EditContent => self.may(Action::EditContent),
            Gate::Simulator => self.may(Action::PostInbound),
            Gate::Team => self.may(Action::ManageStaff),
            Gate::Adapters => self.may(Action::ManageChannelKeys),
            Gate::Pipeline | Gate::Pool => self.may(Action::EditCustomers),
        }
    }

    /// Whether this viewer may change a customer owned by `owner` (their stage, their
    /// details): the backends decide; this keeps controls they could not use away.
    pub fn may_edit_customer(&self, owner: Option<&str>) -> bool {
        self.may(Action::EditCustomers) && self.caller.covers(owner)
    }

    /// Colleagues this viewer may give customers to, as (id, name): active, and in
    /// their scope (a rep: themselves).
    pub fn assignable(&self) -> Vec<(String, String)> {
        self.staff
            .iter()
            .filter(|u| u.active && self.caller.covers(Some(&u.id)))
            .map(|u| (u.id.clone(), u.name.clone()))
            .collect()
    }

    /// Where `user` works, "总部 / 华东销售部", or "" for nowhere.
    pub fn department_of(&self, user: &User) -> String {
        user.department_id
            .as_deref()
            .map(|d| self.org.path(d))
            .unwrap_or_default()
    }
}

/// Every entry of the side navigation, with the page a role must be able to open
/// (`None`: everyone).
const NAV: [(&str, Msg, Option<Gate>); 13] = [
    ("/", Msg::NavDashboard, None),
    ("/card", Msg::NavMyCard, Some(Gate::MyCard)),
    ("/content", Msg::NavContent, None),
    ("/radar", Msg::NavRadar, Some(Gate::Radar)),
    ("/customers", Msg::NavCustomers, None),
    ("/pool", Msg::NavPool, Some(Gate::Pool)),
    ("/pipeline", Msg::NavPipeline, Some(Gate::Pipeline)),
    ("/tasks", Msg::NavTasks, None),
    ("/leaderboard", Msg::NavLeaderboard, Some(Gate::Radar)),
    ("/team", Msg::NavTeamBoard, Some(Gate::Radar)),
    ("/inbox", Msg::NavInbox, None),
    ("/settings/team", Msg::NavTeam, Some(Gate::Team)),
    ("/settings", Msg::NavSettings, None),
];

/// The phone's bottom tab bar: what a rep reaches for most, with the rest (their
/// card, the team) a tap away under "Me".
const TABS: [(&str, Msg, Option<Gate>); 6] = [
    ("/", Msg::Today, None),
    ("/radar", Msg::TabRadar, Some(Gate::Radar)),
    ("/customers", Msg::NavCustomers, None),
    ("/inbox", Msg::NavInbox, None),
    ("/content", Msg::TabContent, None),
    ("/settings", Msg::TabMe, None),
];

/// The entries of `list` that `viewer`'s role may use, in order. Until the viewer is
/// known, only what every role may use.
fn allowed(
    list: &[(&'static str, Msg, Option<Gate>)],
    viewer: Option<&Viewer>,
) -> Vec<(&'static str, Msg)> {
    list.iter()
        .filter(|(_, _, gate)| match (gate, viewer) {
            (None, _) => true,
            (Some(gate), Some(v)) => v.opens(*gate),
            (Some(_), None) => false,
        })
        .map(|(href, label, _)| (*href, *label))
        .collect()
}

/// The side navigation for `viewer`.
pub fn staff_nav(viewer: Option<&Viewer>) -> Vec<(&'static str, Msg)> {
    allowed(&NAV, viewer)
}

/// The phone's tab bar for `viewer`.
pub fn phone_tabs(viewer: Option<&Viewer>) -> Vec<(&'static str, Msg)> {
    allowed(&TABS, viewer)
}

/// The viewer in context (`None` until loaded, or signed out), and a way to load it
/// again after a change to the team.
#[derive(Clone, Copy)]
pub struct CurrentViewer {
    viewer: RwSignal<Option<Viewer>>,
    reload: Callback<()>,
}

impl CurrentViewer {
    pub fn new(viewer: RwSignal<Option<Viewer>>, reload: Callback<()>) -> CurrentViewer {
        CurrentViewer { viewer, reload }
    }

    /// Tracked.
    pub fn get(&self) -> Option<Viewer> {
        self.viewer.get()
    }

    /// Tracked.
    pub fn with<T>(&self, f: impl FnOnce(&Viewer) -> T) -> Option<T> {
        self.viewer.with(|v| v.as_ref().map(f))
    }

    /// For a component's set-up, which a later change rebuilds anyway.
    pub fn with_untracked<T>(&self, f: impl FnOnce(&Viewer) -> T) -> Option<T> {
        self.viewer.with_untracked(|v| v.as_ref().map(f))
    }

    /// Whether the role may take `action`; `false` while unknown. Tracked.
    pub fn may(&self, action: Action) -> bool {
        self.with(|v| v.may(action)).unwrap_or(false)
    }

    /// Whether the role may open `gate`; `false` while unknown. Tracked.
    pub fn opens(&self, gate: Gate) -> bool {
        self.with(|v| v.opens(gate)).unwrap_or(false)
    }

    /// Loads the viewer again (after a change to staff or departments).
    pub fn reload(&self) {
        self.reload.run(());
    }
}

/// The viewer the staff layout provides. Outside it (a component mounted alone in a
/// test) nobody is known, and only what every role may do is offered.
pub fn use_viewer() -> CurrentViewer {
    use_context::<CurrentViewer>()
        .unwrap_or_else(|| CurrentViewer::new(RwSignal::new(None), Callback::new(|()| {})))
}

#[cfg(test)]
mod tests {
    use super::*;
    use lianjie_core::demo;

    fn viewer(id: &str) -> Viewer {
        let db = demo::seed(chrono::Utc::now());
        let me = db.users.iter().find(|u| u.id == id).cloned().unwrap();
        Viewer::new(me, db.org.clone(), db.users.clone())
    }

    fn nav(id: &str) -> Vec<&'static str> {
        staff_nav(Some(&viewer(id)))
            .into_iter()
            .map(|(href, _)| href)
            .collect()
    }

    #[test]
    fn each_role_is_shown_what_it_may_use() {
        assert_eq!(
            nav("u-wanglei"),
            [
                "/",
                "/card",
                "/content",
                "/radar",
                "/customers",
                "/pool",
                "/pipeline",
                "/tasks",
                "/leaderboard",
                "/team",
                "/inbox",
                "/settings"
            ]
        );
        assert_eq!(nav("u-chengang"), nav("u-wanglei"));
        assert_eq!(
            nav("u-zhaomin"),
            [
                "/",
                "/content",
                "/customers",
                "/tasks",
                "/inbox",
                "/settings"
            ]
        );
        assert_eq!(
            nav("u-admin"),
            [
                "/",
                "/content",
                "/radar",
                "/customers",
                "/pool",
                "/pipeline",
                "/tasks",
                "/leaderboard",
                "/team",
                "/inbox",
                "/settings/team",
                "/settings"
            ]
        );
        assert_eq!(staff_nav(None).len(), 6, "only what everyone may use");
        assert!(viewer("u-admin").opens(Gate::Simulator));
        assert!(!viewer("u-zhaomin").opens(Gate::EditContent));
        assert_eq!(
            viewer("u-lina").department_of(&viewer("u-lina").me),
            demo::seed(chrono::Utc::now()).org.path("d-shanghai")
        );
    }
}
