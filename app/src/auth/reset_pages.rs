//! Forgotten passwords: asking for a reset link, and choosing a new password with it.
use super::{
    api::{RequestPasswordReset, ResetPassword},
    components::{Field, FormError, field_message},
    pages::{BUTTON, CARD},
};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const NOTE: &str = "rounded border border-emerald-300 bg-emerald-50 p-3 text-sm text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100";

/// Asks for a reset link by address. The answer never says whether the address has an account.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let sent = move || matches!(action.value().get(), Some(Ok(())));
    view! {
        <Title text="Forgot password"/>
        <ActionForm action attr:class=CARD>
            <h1 class="text-xl font-semibold">"Forgot your password?"</h1>
            <p class="text-sm text-slate-600 dark:text-slate-400">"Enter your address and we mail you a link to choose a new one."</p>
            <FormError error/>
            <Field label="Email" name="email" kind="email" autocomplete="username" error/>
            <button type="submit" class=BUTTON disabled=action.pending()>"Send the link"</button>
            <Show when=sent>
                <p role="status" class=NOTE data-testid="reset-sent">
                    "If an account exists for that address, we sent a link to it. It works once, for 30 minutes."
                </p>
            </Show>
            <p class="text-sm"><a href="/login" class="text-indigo-600 underline dark:text-indigo-400">"Back to sign in"</a></p>
        </ActionForm>
    }
}

/// Chooses a new password with the link from the mail (`/reset-password?token=…`).
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let token = Signal::derive(move || query.read().get("token").unwrap_or_default());
    let action = ServerAction::<ResetPassword>::new();
    let error: Signal<Option<AppError>> = Signal::derive(move || action.value().get().and_then(Result::err));
    let link_error = move || field_message(&error.get(), "token");
    let done = move || matches!(action.value().get(), Some(Ok(())));
    view! {
        <Title text="Choose a new password"/>
        <ActionForm action attr:class=CARD>
            <h1 class="text-xl font-semibold">"Choose a new password"</h1>
            <FormError error/>
            <Show when=move || link_error().is_some()>
                <p role="alert" class="rounded border border-red-300 bg-red-50 p-3 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
                    {link_error} " " <a href="/forgot-password" class="underline">"Ask for a new link"</a>
                </p>
            </Show>
            // An attribute, not a property, so the form carries the token before the page hydrates.
            <input type="hidden" name="token" value=token/>
            <Field label="New password (at least 8 characters)" name="password" kind="password" autocomplete="new-password" error/>
            <button type="submit" class=BUTTON disabled=action.pending()>"Set the password"</button>
            <Show when=done>
                <p role="status" class=NOTE data-testid="reset-done">
                    "Your password is changed and every session signed out. " <a href="/login" class="underline">"Sign in"</a>
                </p>
            </Show>
        </ActionForm>
    }
}
