//! The tracker's UI and server functions, compiled for the server (`ssr`) and the browser (`hydrate`).
#![recursion_limit = "256"]

pub mod access;
pub mod activity;
pub mod attachments;
pub mod audit;
pub mod audit_log;
pub mod auth;
pub mod comments;
pub mod domain;
pub mod error;
pub mod issues;
pub mod keys;
pub mod layout;
pub mod live;
pub mod menu;
pub mod notifications;
pub mod outbox;
pub mod palette;
pub mod people;
#[cfg(feature = "ssr")]
pub mod server;
pub mod stats;
pub mod tags;
pub mod templates;
pub mod text;
pub mod views;
pub mod time;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    Lazy, SsrMode,
    components::{Route, Router, Routes},
    path,
};

/// Pages whose code the browser fetches the first time one opens: a chunk of the WASM each
/// (`cargo leptos --split`). What people open first and all day (the list, an issue, signing in)
/// stays in the main bundle.
mod lazy_pages {
    use leptos::prelude::*;
    use leptos_router::{LazyRoute, lazy_route};

    /// A route type whose view is page component `$page`, in a chunk of its own (named after
    /// the type, so each is unique).
    macro_rules! lazy_page {
        ($($name:ident => $page:path),* $(,)?) => {$(
            pub struct $name;

            #[lazy_route]
            impl LazyRoute for $name {
                fn data() -> Self {
                    $name
                }

                fn view(_this: Self) -> AnyView {
                    $page().into_any()
                }
            }
        )*};
    }

    lazy_page! {
        Dashboard => crate::stats::pages::DashboardPage,
        Tags => crate::tags::pages::TagsPage,
        Templates => crate::templates::pages::TemplatesPage,
        Profile => crate::auth::pages::ProfilePage,
        NotificationSettings => crate::notifications::pages::NotificationSettingsPage,
        AuditLog => crate::audit::pages::AuditLogPage,
        AdminUsers => crate::auth::pages::AdminUsersPage,
        NewIssue => crate::issues::pages::NewIssuePage,
        Inbox => crate::notifications::pages::InboxPage,
        Person => crate::issues::person::PersonPage,
        SignUp => crate::auth::pages::SignUpPage,
        ForgotPassword => crate::auth::reset_pages::ForgotPasswordPage,
        ResetPassword => crate::auth::reset_pages::ResetPasswordPage,
        Unsubscribe => crate::notifications::pages::UnsubscribePage,
    }
}

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" type="image/png" href="/favicon.png"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body class="min-h-screen bg-slate-50 text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
                <App/>
            </body>
        </html>
    }
}

/// The application: routes inside the shared frame.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    #[cfg(feature = "ssr")]
    server::security::send_page_csp();
    auth::components::Auth::provide();
    live::Live::provide();
    time::Clock::provide();
    palette::Offered::provide();

    view! {
        <Stylesheet id="leptos" href="/pkg/tracker.css"/>
        <Title formatter=|text: String| format!("{text} · Tracker")/>
        <Router>
            <layout::AppShell>
                <Routes fallback=layout::NotFound>
                    <Route path=path!("/") view=layout::HomePage ssr=SsrMode::Async/>
                    // Async: the whole list is in the first response, readable before the WASM loads.
                    <Route path=path!("/issues") view=issues::pages::IssueListPage ssr=SsrMode::Async/>
                    <Route path=path!("/issues/new") view={Lazy::<lazy_pages::NewIssue>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/issues/:id") view=issues::detail::IssueDetailPage ssr=SsrMode::Async/>
                    <Route path=path!("/dashboard") view={Lazy::<lazy_pages::Dashboard>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/tags") view={Lazy::<lazy_pages::Tags>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/templates") view={Lazy::<lazy_pages::Templates>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/login") view=auth::pages::LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/signup") view={Lazy::<lazy_pages::SignUp>::new()}/>
                    <Route path=path!("/forgot-password") view={Lazy::<lazy_pages::ForgotPassword>::new()}/>
                    <Route path=path!("/reset-password") view={Lazy::<lazy_pages::ResetPassword>::new()}/>
                    <Route path=path!("/profile") view={Lazy::<lazy_pages::Profile>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/notifications") view={Lazy::<lazy_pages::Inbox>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/settings/notifications") view={Lazy::<lazy_pages::NotificationSettings>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/unsubscribe") view={Lazy::<lazy_pages::Unsubscribe>::new()}/>
                    <Route path=path!("/u/:handle") view={Lazy::<lazy_pages::Person>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/audit") view={Lazy::<lazy_pages::AuditLog>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/users") view={Lazy::<lazy_pages::AdminUsers>::new()} ssr=SsrMode::Async/>
                </Routes>
            </layout::AppShell>
        </Router>
    }
}
