//! The frame around every page: header, navigation and the main region.
use leptos::prelude::*;
use leptos_router::components::A;

/// The header and main region shared by every page.
#[component]
pub fn AppShell(children: Children) -> impl IntoView {
    view! {
        <a href="#main" class="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:rounded focus:bg-white focus:px-3 focus:py-2 dark:focus:bg-slate-900">
            "Skip to content"
        </a>
        <header class="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
            <div class="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
                <a href="/issues" class="text-lg font-semibold tracking-tight">"Tracker"</a>
                <nav aria-label="Main">
                    <ul class="flex gap-4 text-sm">
                        <li>
                            <A href="/issues" attr:class="hover:text-indigo-600 aria-[current=page]:font-semibold aria-[current=page]:text-indigo-600 dark:aria-[current=page]:text-indigo-400">
                                "Issues"
                            </A>
                        </li>
                        <li>
                            <A href="/dashboard" attr:class="hover:text-indigo-600 aria-[current=page]:font-semibold aria-[current=page]:text-indigo-600 dark:aria-[current=page]:text-indigo-400">
                                "Dashboard"
                            </A>
                        </li>
                    </ul>
                </nav>
                <div class="ml-auto flex min-w-0 flex-wrap items-center justify-end gap-x-4 gap-y-1">
                    <crate::live::LiveIndicator/>
                    <crate::notifications::components::Bell/>
                    <crate::auth::components::UserMenu/>
                </div>
            </div>
        </header>
        <main id="main" class="mx-auto max-w-6xl px-4 py-6">{children()}</main>
        <crate::keys::Shortcuts/>
        <crate::palette::Palette/>
    }
}

/// The page for an address that matches no route; answered with a 404 status.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <leptos_meta::Title text="Not found"/>
        <h1 class="text-2xl font-semibold">"Page not found"</h1>
        <p class="mt-2">"There is nothing at this address. " <a href="/issues" class="text-indigo-600 underline dark:text-indigo-400">"Go to the issues"</a></p>
    }
}

/// A destructive action that takes two clicks: the first shows `children` (the form that
/// acts, with its question and confirm button) and a way back.
#[component]
pub fn TwoStep(label: &'static str, #[prop(optional, into)] aria_label: Option<String>, children: ChildrenFn) -> impl IntoView {
    let confirming = RwSignal::new(false);
    view! {
        <Show
            when=move || confirming.get()
            fallback=move || view! {
                <button type="button" class="text-sm text-red-700 underline dark:text-red-400" aria-label=aria_label.clone() on:click=move |_| confirming.set(true)>
                    {label}
                </button>
            }
        >
            <div class="flex flex-wrap items-center gap-x-3 gap-y-2 text-sm">
                {children()}
                <button type="button" class="underline" on:click=move |_| confirming.set(false)>"Cancel"</button>
            </div>
        </Show>
    }
}

/// The front door: what the tracker is, with sign-in and sign-up, for a visitor; the issue list
/// for anyone signed in.
#[component]
pub fn HomePage() -> impl IntoView {
    let auth = crate::auth::components::use_auth();
    view! {
        <leptos_meta::Title text="Welcome"/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match auth.user.await {
                    Ok(Some(_)) => view! { <leptos_router::components::Redirect path="/issues"/> }.into_any(),
                    _ => view! { <Welcome/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// One screen that says what this is and how to get in.
#[component]
fn Welcome() -> impl IntoView {
    let points = [
        ("File and follow", "Report a bug or a wish in a minute, with markdown, tags and screenshots, and see where it stands at any time."),
        ("Triage together", "New, Triaged, In progress, Done: every change is recorded and reaches everyone's open page the moment it is made."),
        ("See the trend", "A dashboard of open issues by severity and what was filed and resolved each day."),
    ];
    view! {
        <section class="mx-auto max-w-3xl py-10 text-center" data-testid="welcome">
            <h1 class="text-3xl font-semibold tracking-tight sm:text-4xl">"Your team's issue tracker"</h1>
            <p class="mt-4 text-lg text-slate-600 dark:text-slate-300">
                "File issues, triage them, and watch them move to done, live, without reloading a page."
            </p>
            <div class="mt-8 flex flex-wrap justify-center gap-3">
                <a href="/login" class="btn-primary px-5 py-2 text-base">"Sign in"</a>
                <a href="/signup" class="btn-secondary px-5 py-2 text-base">"Create an account"</a>
            </div>
            <ul class="mt-12 grid gap-6 text-left sm:grid-cols-3">
                {points.into_iter().map(|(title, text)| view! {
                    <li class="rounded-lg border border-slate-200 p-4 dark:border-slate-800">
                        <h2 class="font-semibold">{title}</h2>
                        <p class="mt-1 text-sm text-slate-600 dark:text-slate-300">{text}</p>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}
