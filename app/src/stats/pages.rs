//! The dashboard page: charts drawn in the browser, and the same numbers as tables rendered on
//! the server, so the page reads well before the WASM loads and to screen readers.
use super::{
    api::{RunStats, get_dashboard},
    model::{ChartOptions, Dashboard, Scope, WINDOWS, human_duration},
};
use crate::{domain::Severity, error::AppError, time::Timestamp};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// ECharts, from the npm package `cargo xtask setup` installs (see `cargo-leptos.toml`).
pub const ECHARTS_SCRIPT: &str = "/vendor/echarts.min.js";

const CARD: &str = "rounded border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900";
const TH: &str = "py-1 pr-4 text-left font-medium";
const TD: &str = "py-1 pr-4 tabular-nums";

/// `/dashboard`: open issues by severity and status, created against resolved per day, time to
/// triage and resolve, and the oldest open critical and high issues. Live: every change anyone
/// makes that this user may see reloads the numbers, and the charts move to them.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let query = use_query_map();
    let days = Memo::new(move |_| query.read().get("days").and_then(|d| d.parse::<u32>().ok()).filter(|d| WINDOWS.contains(d)).unwrap_or(WINDOWS[0]));
    let recompute = ServerAction::<RunStats>::new();
    let live = crate::live::use_live();
    let dashboard = Resource::new(move || (days.get(), live.changes.get(), recompute.version().get()), |(days, _, _)| get_dashboard(days));
    let charts = Signal::derive(move || dashboard.get().and_then(Result::ok).map(|view| view.charts));
    let chart = move |pick: fn(ChartOptions) -> String| Signal::derive(move || charts.get().map(pick));
    view! {
        <Title text="Dashboard"/>
        <script src=ECHARTS_SCRIPT defer></script>
        <div class="flex flex-wrap items-baseline gap-4">
            <h1 class="text-2xl font-semibold">"Dashboard"</h1>
            <nav aria-label="Trend window" class="flex gap-2 text-sm">
                {WINDOWS.map(|window| view! {
                    <a
                        href=format!("/dashboard?days={window}")
                        class="rounded px-2 py-1 aria-[current=page]:bg-indigo-600 aria-[current=page]:text-white"
                        aria-current=move || (days.get() == window).then_some("page")
                    >
                        {format!("{window} days")}
                    </a>
                })}
            </nav>
        </div>
        <div class="mt-4 grid gap-4 md:grid-cols-2">
            <ChartFigure id="chart-severity" caption="Open issues by severity" option=chart(|c| c.open_by_severity)/>
            <ChartFigure id="chart-status" caption="Issues by status" option=chart(|c| c.by_status)/>
            <div class="md:col-span-2">
                <ChartFigure id="chart-trend" caption="Created and resolved per day" option=chart(|c| c.trend)/>
            </div>
        </div>
        <Transition fallback=|| view! { <p role="status" class="mt-4">"Loading the numbers…"</p> }>
            {move || Suspend::new(async move {
                match dashboard.await {
                    Err(AppError::Unauthorized) => view! { <crate::auth::pages::SignInRedirect/> }.into_any(),
                    Err(err) => view! { <p role="alert" class="mt-4">{err.to_string()}</p> }.into_any(),
                    Ok(view) => view! { <Numbers data=view.numbers recompute/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// A chart: an empty box on the server, drawn by ECharts once the page runs in the browser.
#[component]
fn ChartFigure(id: &'static str, caption: &'static str, option: Signal<Option<String>>) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    super::charts::draw(id, option);
    #[cfg(not(feature = "hydrate"))]
    let _ = option;
    view! {
        <figure class=CARD>
            <figcaption class="text-sm font-medium">{caption}</figcaption>
            <div id=id class="mt-2 h-64 w-full" role="img" aria-label=format!("{caption}: chart; the numbers are in the tables below")></div>
        </figure>
    }
}

/// The dashboard's numbers as tables.
#[component]
fn Numbers(data: Dashboard, recompute: ServerAction<RunStats>) -> impl IntoView {
    let scope_note = match data.scope {
        Scope::Everyone => "Every live issue.",
        Scope::Own => "Your own issues.",
    };
    let computed = data.computed_at.map(|at| view! { " Today counts live; earlier days as of " <Timestamp at/> "." });
    let open_total: i64 = data.open_by_severity.iter().map(|(_, n)| n).sum();
    let recompute_error = Signal::derive(move || recompute.value().get().and_then(Result::err).map(|e| e.to_string()));
    let trend_rows = data.trend.iter().rev().map(|d| view! {
        <tr><td class=TD>{d.day.to_string()}</td><td class=TD>{d.created}</td><td class=TD>{d.resolved}</td></tr>
    }).collect_view();
    let (created_total, resolved_total) = data.trend.iter().fold((0, 0), |(c, r), d| (c + d.created, r + d.resolved));
    view! {
        <div class="mt-4 flex flex-wrap items-baseline gap-2 text-sm text-slate-600 dark:text-slate-400">
            <p>{scope_note} " Days are UTC days." {computed}</p>
            {data.can_recompute.then(|| view! {
                <ActionForm action=recompute>
                    <button type="submit" class="text-indigo-600 underline dark:text-indigo-400">"Recompute now"</button>
                </ActionForm>
            })}
        </div>
        {move || recompute_error.get().map(|e| view! { <p role="alert" class="text-sm text-red-600">{e}</p> })}
        <div class="mt-4 grid gap-4 md:grid-cols-2">
            <section class=CARD aria-labelledby="open-heading">
                <h2 id="open-heading" class="font-medium">"Open issues by severity"</h2>
                <table class="mt-2 text-sm" data-testid="open-by-severity">
                    <thead><tr><th scope="col" class=TH>"Severity"</th><th scope="col" class=TH>"Open"</th></tr></thead>
                    <tbody>
                        {data.open_by_severity.iter().rev().map(|(severity, n)| view! {
                            <tr data-severity=severity.as_str()><th scope="row" class=TH>{severity.label()}</th><td class=TD>{*n}</td></tr>
                        }).collect_view()}
                    </tbody>
                    <tfoot><tr><th scope="row" class=TH>"Open (not done)"</th><td class=TD>{open_total}</td></tr></tfoot>
                </table>
            </section>
            <section class=CARD aria-labelledby="status-heading">
                <h2 id="status-heading" class="font-medium">"Issues by status"</h2>
                <table class="mt-2 text-sm" data-testid="by-status">
                    <thead><tr><th scope="col" class=TH>"Status"</th><th scope="col" class=TH>"Issues"</th></tr></thead>
                    <tbody>
                        {data.by_status.iter().map(|(status, n)| view! {
                            <tr data-status=status.as_str()><th scope="row" class=TH>{status.label()}</th><td class=TD>{*n}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
            <section class=CARD aria-labelledby="medians-heading">
                <h2 id="medians-heading" class="font-medium">"Median time to triage and to resolve (last 90 days)"</h2>
                <table class="mt-2 text-sm" data-testid="medians">
                    <thead><tr><th scope="col" class=TH>"Severity"</th><th scope="col" class=TH>"To triage"</th><th scope="col" class=TH>"To resolve"</th></tr></thead>
                    <tbody>
                        {data.medians.iter().rev().map(|m| view! {
                            <tr>
                                <th scope="row" class=TH>{m.severity.label()}</th>
                                <td class=TD>{wait(m.triage_seconds, m.triaged)}</td>
                                <td class=TD>{wait(m.resolve_seconds, m.resolved)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
            <section class=CARD aria-labelledby="oldest-heading">
                <h2 id="oldest-heading" class="font-medium">"Oldest open critical and high issues"</h2>
                {if data.oldest.is_empty() {
                    view! { <p class="mt-2 text-sm text-slate-500">"None: nothing critical or high is waiting."</p> }.into_any()
                } else {
                    view! {
                        <ol class="mt-2 space-y-1 text-sm" data-testid="oldest">
                            {data.oldest.iter().map(|issue| view! {
                                <li>
                                    <span class=severity_class(issue.severity)>{issue.severity.label()}</span>" "
                                    <a href=format!("/issues/{}", issue.id) class="text-indigo-600 underline dark:text-indigo-400">{issue.title.clone()}</a>
                                    <span class="text-slate-500">" · "{issue.status.label()}" · filed "<Timestamp at=issue.created_at/></span>
                                </li>
                            }).collect_view()}
                        </ol>
                    }.into_any()
                }}
            </section>
            <section class=format!("{CARD} md:col-span-2") aria-labelledby="trend-heading">
                <details>
                    <summary id="trend-heading" class="cursor-pointer font-medium">
                        {format!("Created and resolved per day, last {} days: {created_total} created, {resolved_total} resolved", data.days)}
                    </summary>
                    <table class="mt-2 text-sm" data-testid="trend">
                        <thead><tr><th scope="col" class=TH>"Day"</th><th scope="col" class=TH>"Created"</th><th scope="col" class=TH>"Resolved"</th></tr></thead>
                        <tbody>{trend_rows}</tbody>
                    </table>
                </details>
            </section>
        </div>
    }
}

fn wait(seconds: Option<i64>, issues: i64) -> String {
    match seconds {
        Some(s) => format!("{} ({issues} issues)", human_duration(s)),
        None => "—".to_owned(),
    }
}

fn severity_class(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "rounded bg-red-100 px-1 text-red-800 dark:bg-red-950 dark:text-red-300",
        Severity::High => "rounded bg-orange-100 px-1 text-orange-800 dark:bg-orange-950 dark:text-orange-300",
        _ => "rounded bg-slate-100 px-1 dark:bg-slate-800",
    }
}
