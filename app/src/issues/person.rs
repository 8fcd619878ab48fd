//! A person's page, `/u/<handle>`: their name and the open issues assigned to them that the
//! viewer may see (a reporter sees only their own among them).
use super::model::{AssigneeFilter, IssueFilter, IssuePage};
use crate::{error::AppError, people::model::Person};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

/// A person and the open issues assigned to them that the viewer may see, newest first.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonIssues {
    pub person: Person,
    /// The first page of them; `total` counts them all.
    pub assigned: IssuePage,
}

/// The list's filter for the open issues assigned to `handle`.
fn open_assigned_to(handle: &str) -> IssueFilter {
    IssueFilter { open: true, assignee: Some(AssigneeFilter::Handle(handle.to_owned())), ..IssueFilter::default() }
}

/// The person with `handle` and their open assigned issues as `actor` may see them; an unknown
/// handle is 404.
#[cfg(feature = "ssr")]
pub async fn person_issues(db: &impl sea_orm::ConnectionTrait, actor: &crate::auth::model::CurrentUser, handle: &str) -> Result<PersonIssues, AppError> {
    let handle = crate::people::model::Handle::parse("handle", handle).map_err(|_| AppError::NotFound)?;
    let user = crate::people::service::by_handle(db, &handle).await?.ok_or(AppError::NotFound)?;
    let assigned = super::list::list_issues(db, actor, &open_assigned_to(handle.as_str())).await?;
    Ok(PersonIssues { person: user.into(), assigned })
}

/// A person's name and their open assigned issues that the signed-in user may see.
#[server]
pub async fn get_person(handle: String) -> Result<PersonIssues, AppError> {
    crate::auth::api::signed_in(async |state, user| person_issues(&state.db, &user, &handle).await).await
}

/// `/u/<handle>`.
#[component]
pub fn PersonPage() -> impl IntoView {
    let params = use_params_map();
    let handle = Memo::new(move |_| params.read().get("handle").unwrap_or_default());
    let live = crate::live::use_live();
    let found = Resource::new(move || (handle.get(), live.changes.get()), |(handle, _)| get_person(handle));
    view! {
        <Transition fallback=|| view! { <p role="status">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match found.await {
                    Ok(PersonIssues { person, assigned }) => {
                        let filter = open_assigned_to(&person.handle);
                        let all_href = format!("/issues{}", filter.to_query());
                        view! {
                            <Title text=person.display_name.clone()/>
                            <div class="flex items-center gap-3">
                                <span class="inline-flex h-12 w-12 items-center justify-center rounded-full bg-indigo-100 text-lg font-semibold text-indigo-800 dark:bg-indigo-900 dark:text-indigo-200" aria-hidden="true">
                                    {person.initials()}
                                </span>
                                <div>
                                    <h1 class="text-2xl font-semibold" data-testid="person-name">{person.display_name.clone()}</h1>
                                    <p class="text-slate-500 dark:text-slate-400" data-testid="person-handle">"@"{person.handle.clone()}</p>
                                </div>
                            </div>
                            <section class="mt-6" aria-labelledby="assigned-heading">
                                <h2 id="assigned-heading" class="text-lg font-semibold">
                                    "Open issues assigned to " {person.display_name.clone()}
                                </h2>
                                {if assigned.items.is_empty() {
                                    view! { <p class="mt-2 text-slate-500 dark:text-slate-400" data-testid="nothing-assigned">"Nothing open is assigned to them that you can see."</p> }.into_any()
                                } else {
                                    view! {
                                        <super::components::IssueTable page=assigned filter action=None can_triage=false/>
                                        <a href=all_href class="mt-2 inline-block text-sm text-indigo-600 underline dark:text-indigo-400">"Open in the issue list"</a>
                                    }.into_any()
                                }}
                            </section>
                        }.into_any()
                    }
                    Err(AppError::Unauthorized) => view! { <crate::auth::pages::SignInRedirect/> }.into_any(),
                    Err(AppError::NotFound) => view! {
                        <Title text="No such person"/>
                        <h1 class="text-2xl font-semibold">"No such person"</h1>
                        <p class="mt-2">"Nobody has that handle. " <a href="/issues" class="text-indigo-600 underline dark:text-indigo-400">"Back to the issues"</a></p>
                    }.into_any(),
                    Err(err) => view! { <p role="alert">{err.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}
