//! The admins' view of undelivered mail, shown below the audit log.
use super::api::list_failed_mail;
use crate::issues::components::Timestamp;
use leptos::prelude::*;

/// Mail the sender gave up on after a day of retries: to whom, what, and the last error.
/// Shows nothing to someone who may not see it, and nothing when all mail went out.
#[component]
pub fn FailedMail() -> impl IntoView {
    let failed = Resource::new(|| (), |_| list_failed_mail());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match failed.await {
                    Ok(list) if !list.is_empty() => view! {
                        <section class="mt-8" data-testid="failed-mail">
                            <h2 class="text-lg font-semibold">"Undelivered mail"</h2>
                            <p class="text-sm text-slate-600 dark:text-slate-400">"Retried for a day, then given up. Check SMTP_URL and the addresses."</p>
                            <ul class="mt-2 divide-y divide-slate-200 text-sm dark:divide-slate-800">
                                {list.into_iter().map(|mail| view! {
                                    <li class="py-2">
                                        <span class="font-medium break-all">{mail.to}</span>" · "{mail.subject}" · "<Timestamp at=mail.created_at/>
                                        <span class="block text-xs text-red-700 dark:text-red-400">
                                            {format!("{} attempts: {}", mail.attempts, mail.last_error.unwrap_or_default())}
                                        </span>
                                    </li>
                                }).collect_view()}
                            </ul>
                        </section>
                    }.into_any(),
                    _ => ().into_any(),
                }
            })}
        </Transition>
    }
}
