use leptos::prelude::*;
use lianjie_core::{link, people};

/// How big an avatar is drawn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AvatarSize {
    Small,
    #[default]
    Medium,
    Large,
}

/// A person's face wherever one appears: their photo when they have one this site
/// can show, else their initials on a colour of their own. Decorative: the name is
/// always written beside it.
#[component]
pub fn Avatar(
    name: String,
    #[prop(optional)] photo: Option<String>,
    #[prop(optional)] size: AvatarSize,
) -> impl IntoView {
    let class = match size {
        AvatarSize::Small => "avatar small",
        AvatarSize::Medium => "avatar",
        AvatarSize::Large => "avatar large",
    };
    match photo.as_deref().and_then(link::checked) {
        Some(src) => view! { <img class=class src=src alt="" aria-hidden="true" /> }.into_any(),
        None => view! {
            // The initials are drawn by the stylesheet (`data-initials`), not written in
            // the text: a row's text stays the person's name, once.
            <span class=class aria-hidden="true" data-initials=people::initials(&name)
                style=format!("--avatar: var(--tone-{})", people::avatar_tone(&name))></span>
        }
        .into_any(),
    }
}
