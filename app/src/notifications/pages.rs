//! The inbox page, the notification settings page, and the page an unsubscribe link opens.
use super::{
    api::{MarkNotificationsRead, SetNotificationDelivery, Unsubscribe, get_inbox, get_notification_settings},
    model::InboxGroup,
};
use crate::{
    domain::{Delivery, NotificationKind},
    error::AppError,
    live::use_live,
    time::Timestamp,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Notifications, newest first and grouped per issue; all or only the unread.
#[component]
pub fn InboxPage() -> impl IntoView {
    let live = use_live();
    let query = use_query_map();
    let unread_only = Memo::new(move |_| query.read().get("unread").is_some_and(|v| v == "1"));
    let mark = ServerAction::<MarkNotificationsRead>::new();
    let inbox = Resource::new(
        move || (unread_only.get(), live.inbox.get(), live.changes.get(), mark.version().get()),
        |(unread_only, ..)| get_inbox(unread_only),
    );
    let tab = move |selected: bool| {
        if selected {
            "rounded px-3 py-1 text-sm font-semibold bg-slate-200 dark:bg-slate-800"
        } else {
            "rounded px-3 py-1 text-sm hover:bg-slate-100 dark:hover:bg-slate-800"
        }
    };
    view! {
        <Title text="Notifications"/>
        <div class="flex flex-wrap items-center gap-3">
            <h1 class="text-2xl font-semibold">"Notifications"</h1>
            <nav aria-label="Which notifications" class="flex gap-1">
                <a href="/notifications" class=move || tab(!unread_only.get()) aria-current=move || (!unread_only.get()).then_some("page")>"All"</a>
                <a href="/notifications?unread=1" class=move || tab(unread_only.get()) aria-current=move || unread_only.get().then_some("page")>"Unread"</a>
            </nav>
            <button type="button" class="ml-auto rounded border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
                on:click=move |_| { mark.dispatch(MarkNotificationsRead { ids: None }); }>
                "Mark all read"
            </button>
            <a href="/settings/notifications" class="text-sm text-indigo-600 underline dark:text-indigo-400">"Settings"</a>
        </div>
        <Transition fallback=|| view! { <p role="status" class="mt-4">"Loading notifications…"</p> }>
            {move || Suspend::new(async move {
                match inbox.await {
                    Err(AppError::Unauthorized) => view! { <crate::auth::pages::SignInRedirect/> }.into_any(),
                    Err(err) => view! { <p role="alert" class="mt-4">{err.to_string()}</p> }.into_any(),
                    Ok(inbox) if inbox.groups.is_empty() => view! {
                        <p class="mt-6 text-slate-600 dark:text-slate-400" data-testid="inbox-empty">
                            {if unread_only.get_untracked() { "Nothing unread. You are up to date." } else { "No notifications yet. You will hear here about issues you report, are assigned, watch or are mentioned in." }}
                        </p>
                    }.into_any(),
                    Ok(inbox) => view! {
                        <p class="mt-2 text-sm text-slate-600 dark:text-slate-400" data-testid="inbox-unread">
                            {match inbox.unread { 0 => "No unread notifications".to_owned(), 1 => "1 unread notification".to_owned(), n => format!("{n} unread notifications") }}
                        </p>
                        <ul class="mt-4 flex flex-col gap-3" data-testid="inbox">
                            {inbox.groups.into_iter().map(|group| view! { <Group group mark/> }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// One issue's notifications: the line that sums them up, and each of them.
#[component]
fn Group(group: InboxGroup, mark: ServerAction<MarkNotificationsRead>) -> impl IntoView {
    let newest = group.notifications.first().map(|n| n.link.clone()).unwrap_or_else(|| format!("/issues/{}", group.issue_id));
    let unread = group.unread;
    view! {
        <li class="rounded border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900" data-testid="inbox-group">
            <div class="flex flex-wrap items-baseline gap-x-2">
                {(unread > 0).then(|| view! { <span class="inline-block h-2 w-2 rounded-full bg-indigo-600" aria-label="Unread"></span> })}
                <a href=newest class="font-medium hover:underline" data-testid="inbox-issue">
                    {format!("#{} {}", group.issue_id, group.issue_title)}
                </a>
                <span class="text-xs text-slate-500 dark:text-slate-400">{group.issue_status.label()}</span>
            </div>
            <p class="mt-1 text-sm" data-testid="inbox-summary">{group.summary}</p>
            <ul class="mt-2 flex flex-col gap-1 text-sm text-slate-600 dark:text-slate-400">
                {group.notifications.into_iter().map(|n| {
                    let id = n.id;
                    view! {
                        <li class="flex flex-wrap items-baseline gap-x-2" class:font-semibold=!n.read data-testid="inbox-line">
                            <a href=n.link class="hover:underline">{format!("{} {}", n.actor.display_name, n.action)}</a>
                            <Timestamp at=n.at/>
                            {(!n.read).then(|| view! {
                                <button type="button" class="text-xs text-indigo-600 underline dark:text-indigo-400"
                                    on:click=move |_| { mark.dispatch(MarkNotificationsRead { ids: Some(vec![id]) }); }>
                                    "Mark read"
                                </button>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </li>
    }
}

/// How each kind of notification reaches the person: in the app, by email at once, or in a
/// daily digest.
#[component]
pub fn NotificationSettingsPage() -> impl IntoView {
    let set = ServerAction::<SetNotificationDelivery>::new();
    let settings = Resource::new(move || set.version().get(), |_| get_notification_settings());
    view! {
        <Title text="Notification settings"/>
        <h1 class="text-2xl font-semibold">"Notification settings"</h1>
        <p class="mt-2 text-sm text-slate-600 dark:text-slate-400">
            "Everything arrives in your inbox. Choose which kinds also come by email. To silence one issue, mute it on its page."
        </p>
        <Transition fallback=|| view! { <p role="status" class="mt-4">"Loading settings…"</p> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Err(AppError::Unauthorized) => view! { <crate::auth::pages::SignInRedirect/> }.into_any(),
                    Err(err) => view! { <p role="alert" class="mt-4">{err.to_string()}</p> }.into_any(),
                    Ok(settings) => view! {
                        {(!settings.email_enabled).then(|| view! {
                            <p class="mt-4 rounded bg-amber-50 p-3 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-200" role="note">
                                "This server does not send email, so every notification arrives in the app only."
                            </p>
                        })}
                        <table class="mt-4 w-full max-w-xl text-sm">
                            <thead><tr class="text-left"><th class="py-2">"Notification"</th><th class="py-2">"How it reaches you"</th></tr></thead>
                            <tbody>
                                {settings.kinds.into_iter().map(|setting| {
                                    let id = format!("delivery-{}", setting.kind.as_str().to_lowercase());
                                    view! {
                                        <tr class="border-t border-slate-200 dark:border-slate-800">
                                            <td class="py-2"><label for=id.clone()>{setting.kind.label()}</label></td>
                                            <td class="py-2">
                                                <DeliverySelect id kind=setting.kind delivery=setting.delivery set/>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn DeliverySelect(id: String, kind: NotificationKind, delivery: Delivery, set: ServerAction<SetNotificationDelivery>) -> impl IntoView {
    view! {
        <select id=id class="rounded border border-slate-300 bg-white px-2 py-1 dark:border-slate-700 dark:bg-slate-900"
            on:change=move |event| {
                if let Ok(delivery) = event_target_value(&event).parse::<Delivery>() {
                    set.dispatch(SetNotificationDelivery { kind, delivery });
                }
            }>
            {Delivery::ALL.iter().map(|option| view! {
                <option value=option.as_str() selected=*option == delivery>{option.label()}</option>
            }).collect_view()}
        </select>
    }
}

/// Where a mail's unsubscribe link leads: one button stops that kind of mail.
#[component]
pub fn UnsubscribePage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let action = ServerAction::<Unsubscribe>::new();
    view! {
        <Title text="Stop these emails"/>
        <h1 class="text-2xl font-semibold">"Stop these emails"</h1>
        {move || match action.value().get() {
            Some(Ok(kind)) => view! {
                <p class="mt-4" role="status" data-testid="unsubscribed">
                    {format!("Done. {} now arrive in the app only. ", kind.label())}
                    <a href="/settings/notifications" class="text-indigo-600 underline dark:text-indigo-400">"Notification settings"</a>
                </p>
            }.into_any(),
            other => view! {
                <p class="mt-4">"Notifications of this kind will then arrive in the app only; you can change that in your settings at any time."</p>
                {other.and_then(Result::err).map(|err| view! { <p role="alert" class="mt-2 text-red-700 dark:text-red-400">{crate::auth::components::field_message(&Some(err.clone()), "token").unwrap_or_else(|| err.to_string())}</p> })}
                <ActionForm action attr:class="mt-4">
                    <input type="hidden" name="token" prop:value=token/>
                    <button type="submit" class="rounded bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-500">"Stop these emails"</button>
                </ActionForm>
            }.into_any(),
        }}
    }
}
