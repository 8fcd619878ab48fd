//! Pieces shared by the account pages and the header.
use super::{
    api::{LogIn, LogOut, SignUp, who_am_i},
    model::CurrentUser,
};
use crate::error::AppError;
use leptos::prelude::*;

/// The signed-in user and the actions that change who that is, provided once by the app.
#[derive(Clone, Copy)]
pub struct Auth {
    pub user: Resource<Result<Option<CurrentUser>, AppError>>,
    pub log_in: ServerAction<LogIn>,
    pub sign_up: ServerAction<SignUp>,
    pub log_out: ServerAction<LogOut>,
}

impl Auth {
    /// Creates the actions and the user resource, refetched whenever one of them completes.
    pub fn provide() -> Auth {
        let log_in = ServerAction::<LogIn>::new();
        let sign_up = ServerAction::<SignUp>::new();
        let log_out = ServerAction::<LogOut>::new();
        let user = Resource::new(
            move || (log_in.version().get(), sign_up.version().get(), log_out.version().get()),
            |_| who_am_i(),
        );
        let auth = Auth { user, log_in, sign_up, log_out };
        provide_context(auth);
        auth
    }
}

/// The app's [`Auth`].
pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}

/// The message for `field` in a validation error, if any.
pub fn field_message(error: &Option<AppError>, field: &str) -> Option<String> {
    match error {
        Some(AppError::Validation(fields)) => fields.iter().find(|f| f.field == field).map(|f| f.message.clone()),
        _ => None,
    }
}

/// An input with its label and, below it, the error for its field.
#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(into)] error: Signal<Option<AppError>>,
    /// Told the field's text as it is typed.
    #[prop(optional)]
    on_input: Option<Callback<String>>,
) -> impl IntoView {
    let message = move || field_message(&error.get(), name);
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    view! {
        <div class="flex flex-col gap-1">
            <label for=id.clone() class="text-sm font-medium">{label}</label>
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                required
                aria-invalid=move || message().is_some().then_some("true")
                aria-describedby=error_id.clone()
                on:input=move |ev| {
                    if let Some(on_input) = on_input {
                        on_input.run(event_target_value(&ev));
                    }
                }
                class="rounded border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-900 aria-[invalid=true]:border-red-500"
            />
            <p id=error_id class="text-sm text-red-600 dark:text-red-400" data-field-error=name>{message}</p>
        </div>
    }
}

/// An error that belongs to no single field (wrong password, rate limit, conflict).
#[component]
pub fn FormError(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let message = move || match error.get() {
        None | Some(AppError::Validation(_)) => None,
        Some(AppError::Unauthorized) => Some("That email and password do not match an account.".to_owned()),
        Some(other) => Some(other.to_string()),
    };
    view! {
        <Show when=move || message().is_some()>
            <p role="alert" class="rounded border border-red-300 bg-red-50 p-3 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
                {message}
            </p>
        </Show>
    }
}

/// The header's account area: who is signed in and what they can reach, or the way in.
#[component]
pub fn UserMenu() -> impl IntoView {
    let auth = use_auth();
    let link = "hover:text-indigo-600 dark:hover:text-indigo-400";
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match auth.user.await {
                    Ok(Some(user)) => view! {
                        <div class="flex min-w-0 flex-wrap items-center gap-x-4 gap-y-1 text-sm" data-testid="user-menu">
                            {user.can_triage().then(|| view! { <a href="/tags" class=link>"Tags"</a> <a href="/templates" class=link>"Templates"</a> })}
                            {user.is_admin().then(|| view! { <a href="/admin/users" class=link>"Users"</a> <a href="/admin/audit" class=link>"Audit log"</a> })}
                            <a href="/profile" class=format!("{link} inline-flex min-w-0 items-center gap-1")>
                                <span class="max-w-[14rem] truncate" data-testid="user-email" title=user.email.clone()>{user.email.clone()}</span>
                                " "
                                <span class="rounded bg-slate-200 px-1.5 py-0.5 text-xs dark:bg-slate-700" data-testid="user-role">
                                    {user.role.label()}
                                </span>
                            </a>
                            <ActionForm action=auth.log_out>
                                <button type="submit" class=link>"Sign out"</button>
                            </ActionForm>
                        </div>
                    }
                    .into_any(),
                    _ => view! {
                        <div class="flex items-center gap-4 text-sm">
                            <a href="/login" class=link>"Sign in"</a>
                            <a href="/signup" class="rounded bg-indigo-600 px-3 py-1 text-white hover:bg-indigo-500">"Sign up"</a>
                        </div>
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}
