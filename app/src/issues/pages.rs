//! The issue pages.
use super::{
    api::{ChangeStatus, list_issues},
    components::{FilterBar, IssueTable},
    model::IssueFilter,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The issue list: filters from the URL, rendered on the server, then live in the browser.
#[component]
pub fn IssueListPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        let query = query.read();
        IssueFilter::from_query(|key| query.get(key))
    });
    let auth = crate::auth::components::use_auth();
    let change_status = ServerAction::<ChangeStatus>::new();
    let page = Resource::new(move || (filter.get(), change_status.version().get()), |(filter, _)| list_issues(filter));
    let triage_error = Signal::derive(move || change_status.value().get().and_then(Result::err));
    view! {
        <Title text="Issues"/>
        <h1 class="text-2xl font-semibold">"Issues"</h1>
        <FilterBar filter/>
        <crate::auth::components::FormError error=triage_error/>
        // A transition keeps the current rows on screen while the next filter loads.
        <Transition fallback=|| view! { <p role="status" class="text-slate-500">"Loading issues…"</p> }>
            {move || Suspend::new(async move {
                let triage = matches!(auth.user.await, Ok(Some(user)) if user.can_triage()).then_some(change_status);
                match page.await {
                    Err(crate::error::AppError::Unauthorized) => view! { <crate::auth::pages::SignInRedirect/> }.into_any(),
                    Ok(page) => view! { <IssueTable page filter=filter.get_untracked() triage/> }.into_any(),
                    Err(err) => view! {
                        <p role="alert" class="rounded border border-red-300 bg-red-50 p-3 text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
                            {err.to_string()}
                        </p>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}
