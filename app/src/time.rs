//! Times as people read them: "5 min ago", with the exact time on hover, kept current by one
//! clock for the whole page.
use chrono::{DateTime, Datelike, Utc};
use leptos::prelude::*;

/// `at` relative to `now`: "just now", "5 min ago", "3 h ago", "yesterday", "4 days ago",
/// then the date ("Mar 3", or "Mar 3, 2025" in another year). Future times read "in 5 min".
pub fn relative(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = (now - at).num_seconds();
    let (ahead, seconds) = (seconds < 0, seconds.unsigned_abs());
    let phrase = |n: u64, unit: &str| if ahead { format!("in {n} {unit}") } else { format!("{n} {unit} ago") };
    let plural = |n: u64, one: &str, many: &str| phrase(n, if n == 1 { one } else { many });
    match seconds {
        0..45 => "just now".to_owned(),
        45..3_600 => phrase(seconds.div_ceil(60).clamp(1, 59), "min"),
        3_600..86_400 => phrase(seconds / 3_600, "h"),
        86_400..172_800 => (if ahead { "tomorrow" } else { "yesterday" }).to_owned(),
        172_800..2_592_000 => plural(seconds / 86_400, "day", "days"),
        _ if at.year() == now.year() => at.format("%b %-d").to_string(),
        _ => at.format("%b %-d, %Y").to_string(),
    }
}

/// The exact time, for a tooltip.
pub fn exact(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// The page's idea of now: set when the page is rendered and moved every 30 seconds in the
/// browser, so "5 min ago" stays true on a page left open.
#[derive(Clone, Copy)]
pub struct Clock {
    pub now: RwSignal<DateTime<Utc>>,
}

impl Clock {
    /// Creates the clock and provides it to the whole app.
    pub fn provide() {
        let now = RwSignal::new(Utc::now());
        #[cfg(feature = "hydrate")]
        {
            let handle = set_interval_with_handle(move || now.set(Utc::now()), std::time::Duration::from_secs(30));
            if let Ok(handle) = handle {
                on_cleanup(move || handle.clear());
            }
        }
        provide_context(Clock { now });
    }
}

/// The current time as the page knows it (outside the app, as of this call).
fn now() -> Signal<DateTime<Utc>> {
    match use_context::<Clock>() {
        Some(clock) => clock.now.into(),
        None => Signal::stored(Utc::now()),
    }
}

/// A time shown relative to now ("5 min ago"), with the exact time on hover and in `datetime`.
#[component]
pub fn Timestamp(at: DateTime<Utc>) -> impl IntoView {
    let now = now();
    view! {
        <time datetime=at.to_rfc3339() title=exact(at)>
            {move || relative(at, now.get())}
        </time>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeDelta;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn recent_times_read_as_ages() {
        let now = at("2026-12-03T12:00:00Z");
        let ago = |seconds: i64| relative(now - TimeDelta::seconds(seconds), now);
        assert_eq!(ago(10), "just now");
        assert_eq!(ago(50), "1 min ago");
        assert_eq!(ago(5 * 60), "5 min ago");
        assert_eq!(ago(3 * 3600 + 59), "3 h ago");
        assert_eq!(ago(30 * 3600), "yesterday");
        assert_eq!(ago(4 * 86_400), "4 days ago");
        assert_eq!(relative(now + TimeDelta::minutes(5), now), "in 5 min");
        assert_eq!(relative(now + TimeDelta::days(30), now), "Jan 2, 2027");
    }

    #[test]
    fn older_times_read_as_dates() {
        let now = at("2026-12-03T12:00:00Z");
        assert_eq!(relative(at("2026-03-01T08:00:00Z"), now), "Mar 1");
        assert_eq!(relative(at("2025-11-20T08:00:00Z"), now), "Nov 20, 2025");
        assert_eq!(exact(at("2026-03-01T08:00:05Z")), "2026-03-01 08:00:05 UTC");
    }
}
