//! Live updates in the browser: one WebSocket per tab, feeding signals that the pages read.
//! It reconnects with jittered backoff and, on reconnecting, has every view reload what it
//! shows, so a dropped connection or a server restart loses nothing.
use leptos::prelude::*;

pub mod coalesce;
pub mod decide;
mod message;
pub use coalesce::Batch;
pub use message::{IssueChange, IssueVersion, Listed, LiveMessage};

/// The socket's state, as the header shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Connection {
    /// Not started: nobody is signed in, or the page has not hydrated yet.
    Idle,
    Connecting,
    Live,
    Reconnecting,
    /// Several attempts failed in a row; it keeps trying.
    Offline,
}

/// What the pages read: the connection, and counters that move when changes the user may see
/// should be reloaded. Views of many issues (lists, the dashboard) follow `changes`, which moves
/// at most once a second ([`coalesce`]): a burst of notices is one reload. A page about one
/// issue follows [`Live::changes_to`], at once, so what it acts on is never a second behind.
#[derive(Clone, Copy)]
pub struct Live {
    pub status: RwSignal<Connection>,
    pub changes: RwSignal<u64>,
    /// Moves at every notice, with what it named: for [`Live::changes_to`].
    heard: RwSignal<u64>,
    last_heard: RwSignal<Batch>,
    /// Moves when the user's inbox changed (or may have, after a reconnect): the bell reloads.
    pub inbox: RwSignal<u64>,
    /// The open list page, which decides for itself what each notice means to it.
    list: StoredValue<Option<ListWatch>>,
}

/// One issue's notice as a list page reads it: the row it carried, unless the issue was deleted.
#[derive(Debug, Clone)]
pub struct RowNotice {
    pub id: i64,
    pub change: IssueChange,
    pub row: Option<crate::issues::model::IssueSummary>,
    /// For an update: what the issue was before it.
    pub before: Option<Listed>,
}

/// How the open list page follows notices. For an issue's notice it decides (see [`decide`]):
/// a row it shows is patched in place; an issue entering or leaving on a later page changes
/// the count shown; a reload it asks for waits its turn, at most one a
/// second ([`coalesce`]); a change that cannot touch the page does nothing there. Any other
/// notice (a bulk change, a resync, a reconnect) reloads it, in turn.
#[derive(Clone)]
pub struct ListWatch {
    pub decide: std::sync::Arc<dyn Fn(&RowNotice) -> decide::Decision + Send + Sync>,
    pub patch: std::sync::Arc<dyn Fn(crate::issues::model::IssueSummary) + Send + Sync>,
    /// Changes the count shown by this much.
    pub count: std::sync::Arc<dyn Fn(i64) + Send + Sync>,
    /// Moved for each reload.
    pub reload: RwSignal<u64>,
}

impl Live {
    /// Creates the signals and provides them; in the browser, connects once someone is signed in.
    pub fn provide() -> Live {
        let live = Live { status: RwSignal::new(Connection::Idle), changes: RwSignal::new(0), heard: RwSignal::new(0), last_heard: RwSignal::new(Batch::Everything), inbox: RwSignal::new(0), list: StoredValue::new(None) };
        provide_context(live);
        #[cfg(feature = "hydrate")]
        {
            let auth = crate::auth::components::use_auth();
            Effect::new(move |started: Option<bool>| {
                if started == Some(true) {
                    return true;
                }
                let signed_in = matches!(auth.user.get(), Some(Ok(Some(_))));
                if signed_in {
                    leptos::task::spawn_local(browser::run(live, auth));
                }
                signed_in
            });
        }
        live
    }

    /// A counter that moves when issue `id` (or everything) changed, at every notice: for a page
    /// about one issue.
    pub fn changes_to(self, id: Memo<Option<i64>>) -> Memo<u64> {
        Memo::new(move |previous: Option<&u64>| {
            let heard = self.heard.get();
            let previous = previous.copied().unwrap_or(0);
            let touched = self.last_heard.with(|batch| match id.get_untracked() {
                Some(id) => batch.touches(id),
                None => *batch == Batch::Everything,
            });
            if touched { heard } else { previous }
        })
    }

    /// A notice arrived: pages about one issue hear it now.
    #[cfg(feature = "hydrate")]
    fn heard(self, batch: Batch) {
        if batch == Batch::Everything {
            self.inbox_changed();
        }
        self.last_heard.set(batch);
        self.heard.update(|n| *n += 1);
    }

    /// Views of many issues reload, once for what the coalescer folded.
    #[cfg(feature = "hydrate")]
    fn reload(self) {
        self.changes.update(|n| *n += 1);
    }

    /// Makes `watch` the open list page's, until the page is left.
    pub fn watch_list(self, watch: ListWatch) {
        self.list.set_value(Some(watch));
        on_cleanup(move || self.list.set_value(None));
    }

    /// The open list page's reload, now.
    #[cfg(feature = "hydrate")]
    fn reload_list(self) {
        self.list.with_value(|watch| {
            if let Some(watch) = watch {
                watch.reload.update(|n| *n += 1);
            }
        });
    }

    /// Says the user's inbox changed: the bell and an open inbox reload.
    pub fn inbox_changed(self) {
        self.inbox.update(|n| *n += 1);
    }
}

/// The app's [`Live`].
pub fn use_live() -> Live {
    expect_context::<Live>()
}

/// A dot and a word in the header: live, reconnecting or offline.
#[component]
pub fn LiveIndicator() -> impl IntoView {
    let live = use_live();
    let label = move || match live.status.get() {
        Connection::Idle => None,
        Connection::Connecting => Some(("Connecting…", "bg-slate-400")),
        Connection::Live => Some(("Live", "bg-emerald-500")),
        Connection::Reconnecting => Some(("Reconnecting…", "bg-amber-500")),
        Connection::Offline => Some(("Offline", "bg-red-500")),
    };
    move || {
        label().map(|(text, dot)| {
            view! {
                <span class="inline-flex items-center gap-1.5 text-xs text-slate-500 dark:text-slate-400" data-testid="live-status" role="status" title="Updates arrive without reloading">
                    <span class=format!("inline-block h-2 w-2 rounded-full {dot}")></span>
                    {text}
                </span>
            }
        })
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::{
        Batch, Connection, Live, LiveMessage, RowNotice,
        coalesce::{Coalescer, Step},
        decide::Decision,
    };
    use futures::StreamExt;
    use gloo_net::websocket::{Message, futures::WebSocket};
    use leptos::prelude::*;
    use std::{cell::RefCell, rc::Rc};

    /// Reloads at most once a quiet window: now, or once the window has passed, for
    /// everything heard meanwhile.
    #[derive(Clone)]
    struct Paced {
        live: Live,
        coalescer: Rc<RefCell<Coalescer>>,
        reload: fn(Live),
    }

    impl Paced {
        fn new(live: Live, reload: fn(Live)) -> Paced {
            Paced { live, coalescer: Rc::default(), reload }
        }

        fn heard(&self, batch: &Batch) {
            let now = web_sys::js_sys::Date::now();
            match self.coalescer.borrow_mut().heard(now, batch) {
                Step::Reload(_) => (self.reload)(self.live),
                Step::WakeAt(at) => {
                    let this = self.clone();
                    set_timeout(
                        move || {
                            let due = this.coalescer.borrow_mut().due(web_sys::js_sys::Date::now());
                            if due.is_some() {
                                (this.reload)(this.live);
                            }
                        },
                        std::time::Duration::from_millis((at - now).max(0.0) as u64),
                    );
                }
                Step::Joined => {}
            }
        }
    }

    /// The page's reload decisions: pages about one issue hear each notice now; views of many,
    /// and the open list page when it asks, reload now or once the quiet window has passed.
    struct Reloads {
        live: Live,
        views: Paced,
        list: Paced,
    }

    impl Reloads {
        fn new(live: Live) -> Reloads {
            Reloads { live, views: Paced::new(live, Live::reload), list: Paced::new(live, Live::reload_list) }
        }

        /// Anything but one issue's notice: everything shown reloads.
        fn heard(&self, batch: Batch) {
            self.views.heard(&batch);
            self.list.heard(&batch);
            self.live.heard(batch);
        }

        /// One issue's notice: the list page decides what it means there.
        fn issue(&self, notice: RowNotice) {
            let batch = Batch::Issues(vec![notice.id]);
            self.views.heard(&batch);
            self.live.heard(batch.clone());
            let Some(watch) = self.live.list.get_value() else { return };
            match ((watch.decide)(&notice), notice.row) {
                (Decision::Patch, Some(row)) => (watch.patch)(row),
                (Decision::Count(by), _) => (watch.count)(by),
                (Decision::Nothing, _) => {}
                _ => self.list.heard(&batch),
            }
        }
    }

    /// Waits `millis` milliseconds.
    async fn sleep(millis: u32) {
        let (done, wait) = futures::channel::oneshot::channel::<()>();
        set_timeout(
            move || {
                let _ = done.send(());
            },
            std::time::Duration::from_millis(millis.into()),
        );
        let _ = wait.await;
    }

    fn socket_url() -> Option<String> {
        let location = window().location();
        let scheme = if location.protocol().ok()? == "https:" { "wss" } else { "ws" };
        Some(format!("{scheme}://{}/ws", location.host().ok()?))
    }

    /// Connects, feeds the signals, and reconnects for as long as the tab lives.
    pub async fn run(live: Live, auth: crate::auth::components::Auth) {
        let mut failures: u32 = 0;
        let mut connected_before = false;
        let reloads = Reloads::new(live);
        loop {
            live.status.set(if connected_before || failures > 0 { Connection::Reconnecting } else { Connection::Connecting });
            if failures >= 3 {
                live.status.set(Connection::Offline);
            }
            if let Some(socket) = socket_url().and_then(|url| WebSocket::open(&url).ok()) {
                let (_, mut incoming) = socket.split();
                while let Some(message) = incoming.next().await {
                    let Ok(Message::Text(text)) = message else { break };
                    // A message this build does not know (from a newer server) is skipped.
                    let Ok(notice) = serde_json::from_str::<LiveMessage>(&text) else { continue };
                    match notice {
                        LiveMessage::Hello { .. } => {
                            live.status.set(Connection::Live);
                            failures = 0;
                            // Signed in and connected: the bell reads its count (again).
                            live.inbox_changed();
                            // Whatever happened while we were away: every view reloads.
                            if connected_before {
                                reloads.heard(Batch::Everything);
                            }
                            connected_before = true;
                        }
                        LiveMessage::Issue { issue_id, change, row, before, .. } => reloads.issue(RowNotice { id: issue_id, change, row: row.map(|row| *row), before }),
                        LiveMessage::Issues { issues, .. } => reloads.heard(Batch::Issues(issues.iter().map(|issue| issue.issue_id).collect())),
                        LiveMessage::Resync => {
                            // A role change arrives as a resync too: the header and the views
                            // follow the new role without a reload.
                            auth.user.refetch();
                            reloads.heard(Batch::Everything);
                        }
                        LiveMessage::Inbox => live.inbox_changed(),
                        LiveMessage::SignedOut => {
                            live.status.set(Connection::Idle);
                            let _ = window().location().set_href("/login");
                            return;
                        }
                    }
                }
            }
            failures = failures.saturating_add(1);
            // Jittered exponential backoff: 0.5 s doubling to 30 s, times 0.5 to 1.5.
            let base = 500u32.saturating_mul(1 << failures.min(6)).min(30_000);
            let jitter = 0.5 + web_sys::js_sys::Math::random();
            sleep((f64::from(base) * jitter) as u32).await;
        }
    }
}
