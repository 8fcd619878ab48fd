//! The audit log page (admins): filters in the URL, the chain check, and the exports.
use super::{
    api::{list_audit, verify_audit},
    model::AuditFilter,
};
use crate::{audit_log::AuditAction, error::AppError, issues::components::Timestamp};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const INPUT: &str = "rounded border border-slate-300 bg-white px-3 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900";

/// Every security-relevant and administrative event, newest first.
#[component]
pub fn AuditLogPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        let query = query.read();
        AuditFilter::from_query(|key| query.get(key))
    });
    let page = Resource::new(move || filter.get(), list_audit);
    let check = Resource::new(|| (), |_| verify_audit());
    view! {
        <Title text="Audit log"/>
        <h1 class="text-2xl font-semibold">"Audit log"</h1>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match check.await {
                    Ok(report) => match report.first_broken {
                        None => view! {
                            <p class="mt-2 text-sm text-emerald-700 dark:text-emerald-400" data-testid="chain-status">
                                {format!("Chain intact: all {} entries verified.", report.entries)}
                            </p>
                        }.into_any(),
                        Some((seq, reason)) => view! {
                            <p role="alert" class="mt-2 rounded border border-red-300 bg-red-50 p-2 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200" data-testid="chain-status">
                                {format!("Chain broken at entry {seq}: {reason}.")}
                            </p>
                        }.into_any(),
                    },
                    Err(_) => ().into_any(),
                }
            })}
        </Transition>
        {move || {
            let current = filter.get();
            let export = current.to_query();
            view! {
                <form method="get" action="/admin/audit" class="my-4 flex flex-wrap items-end gap-2" role="search">
                    <label class="flex flex-col text-sm">"Actor" <input name="actor" value=current.actor.clone().unwrap_or_default() class=INPUT placeholder="email contains"/></label>
                    <label class="flex flex-col text-sm">"Action"
                        <select name="action" class=INPUT>
                            <option value="">"Any action"</option>
                            {AuditAction::ALL.iter().map(|&a| view! { <option value=a.as_str() selected=current.action == Some(a)>{a.as_str()}</option> }).collect_view()}
                        </select>
                    </label>
                    <label class="flex flex-col text-sm">"From" <input type="date" name="from" value=current.from.map(|d| d.to_string()).unwrap_or_default() class=INPUT/></label>
                    <label class="flex flex-col text-sm">"To" <input type="date" name="to" value=current.to.map(|d| d.to_string()).unwrap_or_default() class=INPUT/></label>
                    <button type="submit" class="rounded bg-slate-800 px-3 py-1.5 text-sm font-medium text-white dark:bg-slate-200 dark:text-slate-900">"Filter"</button>
                    <span class="ml-auto flex gap-3 text-sm">
                        <a href=format!("/admin/audit/export.csv?{export}") class="text-indigo-600 underline dark:text-indigo-400" rel="external">"Export CSV"</a>
                        <a href=format!("/admin/audit/export.json?{export}") class="text-indigo-600 underline dark:text-indigo-400" rel="external">"Export JSON"</a>
                    </span>
                </form>
            }
        }}
        <Transition fallback=|| view! { <p role="status">"Loading the log…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Err(AppError::Unauthorized) => view! { <crate::auth::pages::SignInRedirect/> }.into_any(),
                    Err(AppError::Forbidden) => view! { <p role="alert">"Only admins can read the audit log."</p> }.into_any(),
                    Err(err) => view! { <p role="alert">{err.to_string()}</p> }.into_any(),
                    Ok(page) if page.entries.is_empty() => view! { <p data-testid="empty-state">"No entries match."</p> }.into_any(),
                    Ok(page) => {
                        let next = page.next_before.map(|before| {
                            let query = filter.get_untracked().to_query();
                            format!("/admin/audit?{query}{}before={before}", if query.is_empty() { "" } else { "&" })
                        });
                        view! {
                            // The log is wide: on a narrow screen it scrolls inside its box, not the page.
                            <div class="overflow-x-auto">
                            <table class="w-full text-left text-sm" data-testid="audit-log">
                                <thead class="text-xs uppercase text-slate-500"><tr>
                                    <th class="py-2">"#"</th><th>"When"</th><th>"Actor"</th><th>"Action"</th><th>"Target"</th><th>"Details"</th><th>"Address"</th>
                                </tr></thead>
                                <tbody>
                                    {page.entries.into_iter().map(|e| { let action = e.action.clone(); view! {
                                        <tr class="border-t border-slate-200 align-top dark:border-slate-800" data-action=action>
                                            <td class="py-1.5 pr-2 text-slate-500">{e.seq}</td>
                                            <td class="pr-2"><Timestamp at=e.at/></td>
                                            <td class="pr-2">{e.actor_email.unwrap_or_else(|| "—".to_owned())}</td>
                                            <td class="pr-2 font-medium">{e.action}</td>
                                            <td class="pr-2">{e.target.unwrap_or_default()}</td>
                                            <td class="pr-2 font-mono text-xs">{e.details}</td>
                                            <td class="text-slate-500">{e.ip.unwrap_or_default()}</td>
                                        </tr>
                                    }}).collect_view()}
                                </tbody>
                            </table>
                            </div>
                            {next.map(|href| view! { <a href=href rel="next" class="mt-3 inline-block text-indigo-600 underline dark:text-indigo-400">"Older entries →"</a> })}
                        }.into_any()
                    }
                }
            })}
        </Transition>
        <crate::outbox::components::FailedMail/>
    }
}
