//! The issue pages.
use super::{
    api::list_issues,
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
    let page = Resource::new(move || filter.get(), list_issues);
    view! {
        <Title text="Issues"/>
        <h1 class="text-2xl font-semibold">"Issues"</h1>
        <FilterBar filter/>
        // A transition keeps the current rows on screen while the next filter loads.
        <Transition fallback=|| view! { <p role="status" class="text-slate-500">"Loading issues…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Err(crate::error::AppError::Unauthorized) => view! { <crate::auth::pages::SignInRedirect/> }.into_any(),
                    Ok(page) => view! { <IssueTable page filter=filter.get_untracked()/> }.into_any(),
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
