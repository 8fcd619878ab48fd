//! When a page reloads what it shows after hearing of changes: at once for the first notice,
//! then at most once a [`QUIET_MS`] window, with everything heard in between folded into that
//! one reload. A bulk change of hundreds of issues is one reload per open page, not hundreds.
//!
//! Pure and clock-free (the caller passes the time), so the browser and the benchmark's
//! simulated pages run the same decisions.

/// The shortest time between two reloads of one page, in milliseconds.
pub const QUIET_MS: f64 = 1000.0;

/// What changed since the last reload: some issues, or everything (a resync).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Batch {
    Issues(Vec<i64>),
    Everything,
}

impl Batch {
    /// Whether a view about issue `id` should reload for this batch.
    pub fn touches(&self, id: i64) -> bool {
        match self {
            Batch::Issues(ids) => ids.contains(&id),
            Batch::Everything => true,
        }
    }

    fn absorb(&mut self, heard: &Batch) {
        match (&mut *self, heard) {
            (Batch::Everything, _) => {}
            (_, Batch::Everything) => *self = Batch::Everything,
            (Batch::Issues(ids), Batch::Issues(more)) => {
                for id in more {
                    if !ids.contains(id) {
                        ids.push(*id);
                    }
                }
            }
        }
    }
}

/// The decision on hearing a notice.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Reload now, for this batch.
    Reload(Batch),
    /// Hold it: call [`Coalescer::due`] at this time (ms). Set one timer for it.
    WakeAt(f64),
    /// A wake-up is already set; this notice joins its batch.
    Joined,
}

/// One page's reload decisions.
#[derive(Debug, Default)]
pub struct Coalescer {
    last_reload: Option<f64>,
    held: Option<Batch>,
}

impl Coalescer {
    /// A notice arrived at `now` (ms).
    pub fn heard(&mut self, now: f64, heard: &Batch) -> Step {
        if let Some(held) = &mut self.held {
            held.absorb(heard);
            return Step::Joined;
        }
        let mut batch = Batch::Issues(Vec::new());
        batch.absorb(heard);
        match self.last_reload {
            Some(last) if now - last < QUIET_MS => {
                self.held = Some(batch);
                Step::WakeAt(last + QUIET_MS)
            }
            _ => {
                self.last_reload = Some(now);
                Step::Reload(batch)
            }
        }
    }

    /// The wake-up set by [`Step::WakeAt`] came at `now`: the batch to reload for.
    pub fn due(&mut self, now: f64) -> Option<Batch> {
        let batch = self.held.take()?;
        self.last_reload = Some(now);
        Some(batch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_notice_reloads_at_once() {
        let mut page = Coalescer::default();
        assert_eq!(
            page.heard(0.0, &Batch::Issues(vec![7])),
            Step::Reload(Batch::Issues(vec![7]))
        );
        // Long after, again at once.
        assert_eq!(
            page.heard(5_000.0, &Batch::Issues(vec![8])),
            Step::Reload(Batch::Issues(vec![8]))
        );
    }

    #[test]
    fn a_burst_is_one_more_reload_a_second_later_with_everything_it_named() {
        let mut page = Coalescer::default();
        assert!(matches!(
            page.heard(100.0, &Batch::Issues(vec![1])),
            Step::Reload(_)
        ));
        assert_eq!(
            page.heard(150.0, &Batch::Issues(vec![2, 3])),
            Step::WakeAt(1_100.0)
        );
        for n in 0..300 {
            assert_eq!(
                page.heard(200.0 + f64::from(n), &Batch::Issues(vec![3, 4])),
                Step::Joined
            );
        }
        assert_eq!(page.due(1_100.0), Some(Batch::Issues(vec![2, 3, 4])));
        assert_eq!(page.due(1_101.0), None, "one wake-up, one reload");
        // The next notice waits for the window after that reload.
        assert_eq!(
            page.heard(1_500.0, &Batch::Issues(vec![5])),
            Step::WakeAt(2_100.0)
        );
    }

    #[test]
    fn everything_swallows_the_issues_named_around_it() {
        let mut page = Coalescer::default();
        page.heard(0.0, &Batch::Issues(vec![1]));
        page.heard(10.0, &Batch::Issues(vec![2]));
        page.heard(20.0, &Batch::Everything);
        page.heard(30.0, &Batch::Issues(vec![3]));
        let batch = page.due(1_000.0).unwrap();
        assert_eq!(batch, Batch::Everything);
        assert!(batch.touches(42));
        assert!(Batch::Issues(vec![1, 2]).touches(2) && !Batch::Issues(vec![1, 2]).touches(3));
    }

    #[test]
    fn reloads_never_come_closer_than_the_window() {
        let mut page = Coalescer::default();
        let mut reloads = Vec::new();
        let mut wake: Option<f64> = None;
        // A notice every 7 ms for 10 s, the wake-up served when its time comes.
        for tick in 0..1_430 {
            let now = f64::from(tick) * 7.0;
            if let Some(at) = wake.filter(|at| *at <= now) {
                page.due(at).expect("a held batch");
                reloads.push(at);
                wake = None;
            }
            match page.heard(now, &Batch::Issues(vec![i64::from(tick)])) {
                Step::Reload(_) => reloads.push(now),
                Step::WakeAt(at) => wake = Some(at),
                Step::Joined => {}
            }
        }
        assert!(
            reloads.windows(2).all(|w| w[1] - w[0] >= QUIET_MS),
            "{reloads:?}"
        );
        assert!(
            (10..=11).contains(&reloads.len()),
            "{} reloads in 10 s",
            reloads.len()
        );
    }
}
