//! The issue list's views: the built-in ones, one's own and the shared ones, each a link to its
//! query with how many issues it holds, and a form to save the query being looked at.
use super::{
    api::{DeleteView, SaveView, list_views},
    model::SavedView,
};
use crate::{auth::components::FormError, issues::model::encode};
use leptos::prelude::*;

/// The views, in a row above the list. `query` is the list's filter as one query (controls and
/// typed text), which the save form saves.
#[component]
pub fn ViewList(#[prop(into)] query: Signal<Option<String>>) -> impl IntoView {
    let save = ServerAction::<SaveView>::new();
    let delete = ServerAction::<DeleteView>::new();
    let live = crate::live::use_live();
    let auth = crate::auth::components::use_auth();
    // Counted again on every change the user may see; the server serves a count from memory
    // for a few seconds, so a burst of changes costs the database one count per view.
    let views = Resource::new(move || (save.version().get(), delete.version().get(), live.changes.get()), |_| list_views());
    let error = Signal::derive(move || save.value().get().and_then(Result::err).or_else(|| delete.value().get().and_then(Result::err)));
    let naming = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(_))) {
            if let Some(form) = naming.get_untracked() {
                form.reset();
            }
        }
    });
    view! {
        <nav aria-label="Views" data-testid="views" class="mb-4 flex flex-wrap items-center gap-x-2 gap-y-1">
            <h2 class="text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">"Views"</h2>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let list = views.await.unwrap_or_default();
                    view! {
                        <ul class="flex flex-wrap items-center gap-1">
                            {list.into_iter().map(|view| view! { <ViewLink view query delete/> }).collect_view()}
                        </ul>
                    }
                })}
            </Transition>
            <Show when=move || query.get().is_some()>
                <ActionForm action=save node_ref=naming attr:class="flex basis-full flex-wrap items-center gap-2 text-sm" attr:data-testid="save-view">
                    <input type="hidden" name="query" value=move || query.get().unwrap_or_default()/>
                    <input name="name" required maxlength=super::model::NAME_MAX_CHARS aria-label="Name for this view" placeholder="Name this search"
                        class="rounded border border-slate-300 bg-white px-2 py-1 dark:border-slate-700 dark:bg-slate-900"/>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            let can_share = auth.user.await.ok().flatten().is_some_and(|u| u.can_triage());
                            can_share.then(|| view! {
                                <label class="inline-flex items-center gap-2"><input type="checkbox" name="shared" value="true" class="accent-indigo-600"/>"Share with everyone"</label>
                            })
                        })}
                    </Suspense>
                    <button type="submit" class="rounded border border-slate-300 px-2 py-1 dark:border-slate-700">"Save view"</button>
                    <p class="text-red-600 empty:hidden dark:text-red-400" data-field-error="name">{move || crate::auth::components::field_message(&error.get(), "name")}</p>
                    <p class="text-red-600 empty:hidden dark:text-red-400" data-field-error="query">{move || crate::auth::components::field_message(&error.get(), "query")}</p>
                    <FormError error/>
                </ActionForm>
            </Show>
        </nav>
    }
}

/// One view: its name and count as a link to its query, and a delete button when the user may.
#[component]
fn ViewLink(view: SavedView, query: Signal<Option<String>>, delete: ServerAction<DeleteView>) -> impl IntoView {
    let href = format!("/issues?q={}", encode(&view.query));
    let this = view.query.clone();
    let current = move || query.get().as_deref() == Some(this.as_str());
    let counted = format!("{} {} you can see", view.count, if view.count == 1 { "issue" } else { "issues" });
    let delete_label = format!("Delete the view {}", view.name);
    view! {
        <li class="flex min-w-0 max-w-full items-center" data-view=view.name.clone()>
            <a href=href aria-current=move || current().then_some("page") title=view.by.clone().map(|by| format!("Shared by {by}"))
                class="flex min-w-0 items-center gap-2 rounded-full border border-slate-200 px-2.5 py-0.5 text-sm hover:bg-slate-100 dark:border-slate-800 aria-[current=page]:bg-indigo-50 aria-[current=page]:font-medium dark:hover:bg-slate-800 dark:aria-[current=page]:bg-slate-800">
                <span class="min-w-0 truncate">{view.name.clone()}{view.shared.then_some(" · shared")}</span>
                <span class="rounded-full bg-slate-200 px-1.5 text-xs tabular-nums dark:bg-slate-700" title=counted.clone() aria-label=counted data-testid="view-count">{view.count}</span>
            </a>
            {view.deletable.then(|| view! {
                <ActionForm action=delete>
                    <input type="hidden" name="view_id" value=view.id.unwrap_or_default()/>
                    <button type="submit" aria-label=delete_label class="px-1 text-slate-400 hover:text-red-600">"×"</button>
                </ActionForm>
            })}
        </li>
    }
}
