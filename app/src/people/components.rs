//! How a person appears on a page: their name linking to their page, or their initials.
use super::model::Person;
use leptos::prelude::*;

/// The person's display name, linking to `/u/<handle>`, with the handle as its tooltip.
#[component]
pub fn PersonLink(person: Person, #[prop(optional)] class: &'static str) -> impl IntoView {
    if person.handle.is_empty() {
        return view! { <span class=class>{person.display_name}</span> }.into_any();
    }
    let href = format!("/u/{}", person.handle);
    let title = format!("@{}", person.handle);
    view! { <a href=href class=format!("hover:underline {class}") title=title data-handle=person.handle.clone()>{person.display_name}</a> }.into_any()
}

/// A round badge of the person's initials, named by its title and for screen readers; a
/// `decorative` one (beside the name already) is hidden from them.
#[component]
pub fn Avatar(person: Person, #[prop(optional)] decorative: bool) -> impl IntoView {
    let label = format!("{} (@{})", person.display_name, person.handle);
    view! {
        <span class="inline-flex h-6 w-6 shrink-0 items-center justify-center rounded-full bg-indigo-100 text-[0.65rem] font-semibold text-indigo-800 dark:bg-indigo-900 dark:text-indigo-200"
            title=label.clone() role=(!decorative).then_some("img") aria-label=(!decorative).then_some(label) aria-hidden=decorative.then_some("true")
            data-testid="avatar">
            {person.initials()}
        </span>
    }
}
