//! Sign-in, sign-up, profile and the admin's user list.
use super::{
    api::{
        ChangePassword, ChangeRole, CreateApiToken, RevokeApiToken, SetUserActive, SignOutOtherSessions, UpdateProfile, list_api_tokens, list_my_sessions,
        list_users, my_profile, sign_in_methods,
    },
    components::{Field, FormError, use_auth},
};
use crate::{domain::Role, error::AppError, issues::components::Timestamp};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The look of a form's main button.
pub(super) const BUTTON: &str = "rounded bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-500 disabled:opacity-50";
/// The look of a form on a page of its own (sign-in, sign-up, password reset).
pub(super) const CARD: &str = "mx-auto mt-8 flex max-w-sm flex-col gap-4 rounded-lg border border-slate-200 bg-white p-6 dark:border-slate-800 dark:bg-slate-900";

fn last_error<T: Clone + Send + Sync + 'static>(
    value: impl Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
) -> Signal<Option<AppError>> {
    Signal::derive(move || value.get().and_then(Result::err))
}

/// The `next` query parameter, passed through the form so sign-in returns there.
fn next_param() -> Signal<String> {
    let query = use_query_map();
    Signal::derive(move || query.read().get("next").unwrap_or_default())
}

/// The inside of the email-and-password form that sign-in and sign-up share.
#[component]
fn CredentialFields(
    heading: &'static str,
    password_label: &'static str,
    password_autocomplete: &'static str,
    submit: &'static str,
    error: Signal<Option<AppError>>,
    pending: Signal<bool>,
    /// Fields shown after the address (sign-up asks for a name and a handle there).
    #[prop(optional, into)]
    after_email: Option<ViewFn>,
    children: Children,
) -> impl IntoView {
    let next = next_param();
    view! {
        <h1 class="text-xl font-semibold">{heading}</h1>
        <FormError error/>
        <Field label="Email" name="email" kind="email" autocomplete="username" error/>
        {after_email.map(|fields| fields.run())}
        <Field label=password_label name="password" kind="password" autocomplete=password_autocomplete error/>
        <input type="hidden" name="next" prop:value=next/>
        <button type="submit" class=BUTTON disabled=pending>{submit}</button>
        <p class="text-sm">{children()}</p>
    }
}

/// Percent-encodes a value for a query string.
fn encode_query_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// Sign in with email and password, or with Google when the instance offers it.
#[component]
pub fn LoginPage() -> impl IntoView {
    let action = use_auth().log_in;
    let methods = Resource::new(|| (), |_| sign_in_methods());
    let next = next_param();
    view! {
        <Title text="Sign in"/>
        <ActionForm action attr:class=CARD>
            <CredentialFields heading="Sign in" password_label="Password" password_autocomplete="current-password"
                submit="Sign in" error=last_error(action.value()) pending=action.pending().into()>
                <a href="/forgot-password" class="text-indigo-600 underline dark:text-indigo-400">"Forgot password?"</a>
                " · No account yet? " <a href="/signup" class="text-indigo-600 underline dark:text-indigo-400">"Sign up"</a>
            </CredentialFields>
        </ActionForm>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let google = methods.await.is_ok_and(|m| m.google);
                google.then(|| view! {
                    <div class="mx-auto mt-4 max-w-sm text-center">
                        <a href=format!("/auth/oidc/start?next={}", encode_query_value(&next.get_untracked()))
                            class="inline-block w-full rounded border border-slate-300 px-4 py-2 font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
                            rel="external">
                            "Sign in with Google"
                        </a>
                    </div>
                }).into_any()
            })}
        </Suspense>
    }
}

/// Create an account: an address, a name and a handle (both suggested from the address until
/// edited), and a password.
#[component]
pub fn SignUpPage() -> impl IntoView {
    let action = use_auth().sign_up;
    let error = last_error(action.value());
    let email = RwSignal::new(String::new());
    // Typing in the address field (events bubble up to here) updates the suggestions.
    let on_input = move |ev: leptos::ev::Event| {
        let from_email = ev
            .target()
            .and_then(|t| leptos::wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::HtmlInputElement>(t).ok())
            .filter(|input| input.name() == "email");
        if let Some(input) = from_email {
            email.set(input.value());
        }
    };
    view! {
        <Title text="Sign up"/>
        <ActionForm action attr:class=CARD>
            <div class="contents" on:input=on_input>
                <CredentialFields heading="Create your account" password_label="Password (at least 8 characters)"
                    password_autocomplete="new-password" submit="Sign up" error pending=action.pending().into()
                    after_email=move || view! { <IdentityFields error email=email.into()/> }>
                    "Already have an account? " <a href="/login" class="text-indigo-600 underline dark:text-indigo-400">"Sign in"</a>
                </CredentialFields>
            </div>
        </ActionForm>
    }
}

/// A display name and a handle, each with its error; on sign-up both follow the address
/// until the person edits them.
#[component]
fn IdentityFields(
    error: Signal<Option<AppError>>,
    /// The address typed so far, to suggest from; `None` on the profile page.
    #[prop(optional)]
    email: Option<Signal<String>>,
    /// The values to start from (the profile page's current ones).
    #[prop(optional)]
    initial: Option<(String, String)>,
) -> impl IntoView {
    let (name, handle) = initial.unwrap_or_default();
    let (name, handle) = (RwSignal::new(name), RwSignal::new(handle));
    let (name_edited, handle_edited) = (RwSignal::new(false), RwSignal::new(false));
    if let Some(email) = email {
        Effect::new(move |_| {
            let email = email.get();
            let local = email.split('@').next().unwrap_or_default();
            if !name_edited.get_untracked() {
                name.set(if local.is_empty() { String::new() } else { crate::people::model::name_from_email(&email) });
            }
            if !handle_edited.get_untracked() {
                handle.set(if local.is_empty() { String::new() } else { crate::people::model::Handle::from_email(&email).as_str().to_owned() });
            }
        });
    }
    let message = move |field: &'static str| move || super::components::field_message(&error.get(), field);
    let invalid = move |field: &'static str| move || super::components::field_message(&error.get(), field).is_some().then_some("true");
    let input_class = "rounded border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-900 aria-[invalid=true]:border-red-500";
    view! {
        <div class="flex flex-col gap-1">
            <label for="field-display_name" class="text-sm font-medium">"Display name"</label>
            <input id="field-display_name" name="display_name" autocomplete="name" required maxlength=crate::people::model::DISPLAY_NAME_MAX
                class=input_class aria-invalid=invalid("display_name") aria-describedby="field-display_name-error"
                prop:value=move || name.get() on:input=move |ev| { name_edited.set(true); name.set(event_target_value(&ev)); }/>
            <p id="field-display_name-error" class="text-sm text-red-600 dark:text-red-400" data-field-error="display_name">{message("display_name")}</p>
        </div>
        <div class="flex flex-col gap-1">
            <label for="field-handle" class="text-sm font-medium">"Handle"</label>
            <div class="flex items-center gap-1">
                <span aria-hidden="true" class="text-slate-500 dark:text-slate-400">"@"</span>
                <input id="field-handle" name="handle" autocomplete="nickname" required maxlength=crate::people::model::HANDLE_MAX
                    class=format!("{input_class} w-full") aria-invalid=invalid("handle")
                    aria-describedby="field-handle-hint field-handle-error"
                    prop:value=move || handle.get() on:input=move |ev| { handle_edited.set(true); handle.set(event_target_value(&ev)); }/>
            </div>
            <p id="field-handle-hint" class="text-xs text-slate-500 dark:text-slate-400">"Letters, digits, - and _. Your page is /u/your-handle."</p>
            <p id="field-handle-error" class="text-sm text-red-600 dark:text-red-400" data-field-error="handle">{message("handle")}</p>
        </div>
    }
}

/// Sends an anonymous visitor to sign in, and back here afterwards.
#[component]
pub fn SignInRedirect() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let search = location.search.get_untracked();
    let search = search.trim_start_matches('?');
    let path = location.pathname.get_untracked();
    let target = if search.is_empty() { path } else { format!("{path}?{search}") };
    view! { <leptos_router::components::Redirect path=format!("/login?next={}", encode_query_value(&target))/> }
}

/// The user's sessions and password.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let sign_out_others = ServerAction::<SignOutOtherSessions>::new();
    let change_password = ServerAction::<ChangePassword>::new();
    let sessions = Resource::new(move || sign_out_others.version().get(), |_| list_my_sessions());
    let password_error = last_error(change_password.value());
    let password_saved = move || matches!(change_password.value().get(), Some(Ok(())));
    view! {
        <Title text="Profile"/>
        <h1 class="text-2xl font-semibold">"Profile"</h1>
        <Transition fallback=|| view! { <p role="status">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match sessions.await {
                    Err(AppError::Unauthorized) => view! { <SignInRedirect/> }.into_any(),
                    Err(err) => view! { <p role="alert">{err.to_string()}</p> }.into_any(),
                    Ok(list) => view! {
                        <section class="mt-6">
                            <h2 class="text-lg font-semibold">"Signed-in sessions"</h2>
                            <ul class="mt-2 divide-y divide-slate-200 dark:divide-slate-800" data-testid="sessions">
                                {list.into_iter().map(|s| view! {
                                    <li class="py-2 text-sm">
                                        <span class="font-medium">{s.user_agent.clone().unwrap_or_else(|| "Unknown client".into())}</span>
                                        " · " {s.ip.clone().unwrap_or_default()} " · last active " <Timestamp at=s.last_seen_at/>
                                        {s.current.then(|| view! { <span class="ml-2 rounded bg-emerald-100 px-1.5 text-emerald-800 dark:bg-emerald-900 dark:text-emerald-200">"this session"</span> })}
                                    </li>
                                }).collect_view()}
                            </ul>
                            <ActionForm action=sign_out_others>
                                <button type="submit" class="mt-2 text-sm text-indigo-600 underline dark:text-indigo-400">"Sign out all other sessions"</button>
                            </ActionForm>
                        </section>
                    }.into_any(),
                }
            })}
        </Transition>
        <section class="mt-8 max-w-sm">
            <h2 class="text-lg font-semibold">"Change password"</h2>
            <ActionForm action=change_password attr:class="mt-2 flex flex-col gap-3">
                <FormError error=password_error/>
                <Field label="Current password" name="current_password" kind="password" autocomplete="current-password" error=password_error/>
                <Field label="New password" name="new_password" kind="password" autocomplete="new-password" error=password_error/>
                <button type="submit" class=BUTTON>"Change password"</button>
                <Show when=password_saved>
                    <p role="status" class="text-sm text-emerald-700 dark:text-emerald-300">"Password changed. Other sessions were signed out."</p>
                </Show>
            </ActionForm>
        </section>
        <ProfileForm/>
        <ApiTokens/>
    }
}

/// The person's name and handle, which others see instead of their address.
#[component]
fn ProfileForm() -> impl IntoView {
    let update = ServerAction::<UpdateProfile>::new();
    let profile = Resource::new(|| (), |_| my_profile());
    let error = last_error(update.value());
    let saved = move || update.value().get().and_then(Result::ok);
    view! {
        <section class="mt-8 max-w-sm" aria-labelledby="identity-heading">
            <h2 id="identity-heading" class="text-lg font-semibold">"Name and handle"</h2>
            <Transition fallback=|| view! { <p role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let Ok(current) = profile.await else { return ().into_any() };
                    view! {
                        <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
                            "Others see your name and handle, never your address (" <span data-testid="own-email">{current.email.clone()}</span> ")."
                        </p>
                        <ActionForm action=update attr:class="mt-2 flex flex-col gap-3">
                            <FormError error/>
                            <IdentityFields error initial=(current.display_name.clone(), current.handle.clone())/>
                            <button type="submit" class=BUTTON>"Save name and handle"</button>
                            {move || saved().map(|p| view! {
                                <p role="status" class="text-sm text-emerald-700 dark:text-emerald-300">
                                    "Saved. Your page is " <a class="underline" href=format!("/u/{}", p.handle)>{format!("/u/{}", p.handle)}</a> "."
                                </p>
                            })}
                        </ActionForm>
                    }.into_any()
                })}
            </Transition>
        </section>
    }
}

/// Personal API tokens: make one (its secret is shown once), see when each was last used, revoke.
#[component]
fn ApiTokens() -> impl IntoView {
    let create = ServerAction::<CreateApiToken>::new();
    let revoke = ServerAction::<RevokeApiToken>::new();
    let tokens = Resource::new(move || create.version().get() + revoke.version().get(), |_| list_api_tokens());
    let create_error = last_error(create.value());
    let made = move || create.value().get().and_then(Result::ok);
    view! {
        <section class="mt-8" aria-labelledby="tokens-heading">
            <h2 id="tokens-heading" class="text-lg font-semibold">"API tokens"</h2>
            <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
                "For scripts and tools: send one as " <code>"Authorization: Bearer …"</code> " to " <a href="/docs" class="underline">"the API"</a> ". It acts as you, with your role."
            </p>
            <ActionForm action=create attr:class="mt-3 flex flex-wrap items-end gap-3">
                <FormError error=create_error/>
                <Field label="Token name" name="name" error=create_error/>
                <div class="mb-6 flex flex-col gap-1">
                    <label for="field-expires" class="text-sm font-medium">"Expires"</label>
                    <select id="field-expires" name="expires_in_days" class="rounded border border-slate-300 bg-white px-2 py-2 dark:border-slate-700 dark:bg-slate-900">
                        <option value="30">"in 30 days"</option>
                        <option value="90" selected>"in 90 days"</option>
                        <option value="365">"in a year"</option>
                        <option value="never">"never"</option>
                    </select>
                </div>
                <button type="submit" class=format!("mb-6 {BUTTON}")>"Create token"</button>
            </ActionForm>
            {move || made().map(|new| view! {
                <div role="status" class="rounded border border-emerald-300 bg-emerald-50 p-3 text-sm dark:border-emerald-800 dark:bg-emerald-950">
                    <p>{format!("Token \u{201c}{}\u{201d} created. Copy it now: it is not shown again.", new.token.name)}</p>
                    <code class="mt-1 block break-all font-mono" data-testid="new-token">{new.secret}</code>
                </div>
            })}
            <Transition fallback=|| view! { <p role="status">"Loading tokens…"</p> }>
                {move || Suspend::new(async move {
                    match tokens.await {
                        Err(err) => view! { <p role="alert">{err.to_string()}</p> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="mt-2 text-sm text-slate-500">"No tokens."</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="mt-2 divide-y divide-slate-200 dark:divide-slate-800" data-testid="api-tokens">
                                {list.into_iter().map(|t| view! {
                                    <li class="flex flex-wrap items-center gap-2 py-2 text-sm">
                                        <span class="font-medium">{t.name.clone()}</span>
                                        <span class="text-slate-500">
                                            " · created " <Timestamp at=t.created_at/>
                                            {match t.last_used_at { Some(at) => view! { " · last used " <Timestamp at=at/> }.into_any(), None => view! { " · never used" }.into_any() }}
                                            {match t.expires_at { Some(at) => view! { " · expires " <Timestamp at=at/> }.into_any(), None => view! { " · does not expire" }.into_any() }}
                                        </span>
                                        <ActionForm action=revoke attr:class="ml-auto">
                                            <input type="hidden" name="token_id" value=t.id/>
                                            <button type="submit" class="text-red-700 underline dark:text-red-400" aria-label=format!("Revoke {}", t.name)>"Revoke"</button>
                                        </ActionForm>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// Admins: find users, change their role, deactivate them.
#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let query = use_query_map();
    let search = Signal::derive(move || query.read().get("q").unwrap_or_default());
    let change_role = ServerAction::<ChangeRole>::new();
    let set_active = ServerAction::<SetUserActive>::new();
    let users = Resource::new(
        move || (search.get(), change_role.version().get(), set_active.version().get()),
        |(search, _, _)| list_users(search),
    );
    let action_error = Signal::derive(move || {
        change_role.value().get().and_then(Result::err).or_else(|| set_active.value().get().and_then(Result::err))
    });
    view! {
        <Title text="Users"/>
        <h1 class="text-2xl font-semibold">"Users"</h1>
        <form method="get" action="/admin/users" class="my-4 flex gap-2" role="search">
            <label for="user-search" class="sr-only">"Search by email"</label>
            <input id="user-search" name="q" type="search" placeholder="Search by email" prop:value=search
                class="w-72 rounded border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-900"/>
            <button type="submit" class=BUTTON>"Search"</button>
        </form>
        <FormError error=action_error/>
        <Transition fallback=|| view! { <p role="status">"Loading users…"</p> }>
            {move || Suspend::new(async move {
                match users.await {
                    Err(AppError::Unauthorized) => view! { <SignInRedirect/> }.into_any(),
                    Err(AppError::Forbidden) => view! { <p role="alert">"Only admins can manage users."</p> }.into_any(),
                    Err(err) => view! { <p role="alert">{err.to_string()}</p> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p data-testid="empty-state">"No users match this search."</p> }.into_any(),
                    Ok(list) => view! {
                        // A table on wider screens; on a phone each user is a card of its own lines.
                        <table class="block w-full text-left text-sm sm:table">
                            <thead class="hidden text-xs uppercase text-slate-500 sm:table-header-group"><tr>
                                <th scope="col" class="py-2">"Email"</th><th scope="col">"Role"</th><th scope="col">"Status"</th><th scope="col">"Joined"</th>
                            </tr></thead>
                            <tbody class="block sm:table-row-group">
                                {list.into_iter().map(|user| {
                                    let role_label = format!("Role of {}", user.email);
                                    view! {
                                    <tr class="block border-t border-slate-200 py-2 sm:table-row sm:py-0 dark:border-slate-800" data-user=user.email.clone()>
                                        <td class="block break-all py-1 font-medium sm:table-cell sm:py-2 sm:font-normal">
                                            {user.email.clone()}
                                            <span class="block text-xs text-slate-500 dark:text-slate-400">
                                                {user.display_name.clone()} " · " <a class="hover:underline" href=format!("/u/{}", user.handle)>"@"{user.handle.clone()}</a>
                                            </span>
                                        </td>
                                        <td class="block py-1 sm:table-cell">
                                            <ActionForm action=change_role attr:class="flex flex-wrap items-center gap-2">
                                                <input type="hidden" name="user_id" value=user.id/>
                                                <label class="sr-only" for=format!("role-{}", user.id)>"Role"</label>
                                                <select id=format!("role-{}", user.id) name="role" aria-label=role_label
                                                    class="rounded border border-slate-300 bg-white px-2 py-1 dark:border-slate-700 dark:bg-slate-900">
                                                    {Role::ALL.iter().map(|role| view! {
                                                        <option value=role.as_str() selected=*role == user.role>{role.label()}</option>
                                                    }).collect_view()}
                                                </select>
                                                <button type="submit" class="text-indigo-600 underline dark:text-indigo-400">"Save role"</button>
                                            </ActionForm>
                                        </td>
                                        <td class="block py-1 sm:table-cell">
                                            <ActionForm action=set_active>
                                                <input type="hidden" name="user_id" value=user.id/>
                                                <input type="hidden" name="active" value=(!user.active).to_string()/>
                                                <span class="mr-2">{if user.active { "Active" } else { "Deactivated" }}</span>
                                                <button type="submit" class="text-indigo-600 underline dark:text-indigo-400">
                                                    {if user.active { "Deactivate" } else { "Reactivate" }}
                                                </button>
                                            </ActionForm>
                                        </td>
                                        <td class="block py-1 text-slate-600 sm:table-cell sm:text-inherit dark:text-slate-400"><span class="sm:hidden">"Joined "</span><Timestamp at=user.created_at/></td>
                                    </tr>
                                }}).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}
