//! Progress of a scan: counters the scan bumps once per file (the only cost on the hot
//! path), and a progress bar on stderr that another thread draws from them.
//!
//! The bar appears only when the scan is still running after about a second, stderr is
//! a terminal, `CI` is not `true` and `--quiet` was not given.

use indicatif::{ProgressBar, ProgressState, ProgressStyle};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How long a scan runs before the bar appears.
const DELAY: Duration = Duration::from_secs(1);
/// How often the bar is redrawn.
const TICK: Duration = Duration::from_millis(100);

/// Files to scan and files done, shared between the scan and a display.
#[derive(Debug, Default)]
pub struct ScanProgress {
    total: AtomicUsize,
    done: AtomicUsize,
    finished: AtomicBool,
}

impl ScanProgress {
    /// The number of files the scan will read, once discovery is over.
    pub fn set_total(&self, files: usize) {
        self.total.store(files, Ordering::Relaxed);
    }

    /// One more file read and linted (or refused).
    pub fn file_done(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }

    /// The scan is over; a display stops.
    pub fn finish(&self) {
        self.finished.store(true, Ordering::Release);
    }

    /// (files done, files in total); the total is 0 while files are being discovered.
    pub fn counts(&self) -> (usize, usize) {
        (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }

    fn is_finished(&self) -> bool {
        self.finished.load(Ordering::Acquire)
    }
}

/// Whether a progress bar may be shown at all.
pub fn wanted(quiet: bool, stderr_is_terminal: bool, ci: Option<&str>) -> bool {
    !quiet && stderr_is_terminal && ci != Some("true")
}

/// Draws a bar on stderr from `progress` until [`ScanProgress::finish`]: nothing when the
/// scan ends within [`DELAY`]; the bar is cleared at the end. Run it on its own thread.
pub fn display(progress: &ScanProgress) {
    let start = Instant::now();
    while start.elapsed() < DELAY {
        if progress.is_finished() {
            return;
        }
        std::thread::sleep(TICK);
    }
    let style = ProgressStyle::with_template(
        "{spinner} scanning {wide_bar} {pos}/{len} files, {rate}, {elapsed}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .with_key(
        "rate",
        |state: &ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = write!(w, "{:.0} files/s", state.per_sec());
        },
    );
    let bar = ProgressBar::new(0)
        .with_style(style)
        .with_elapsed(start.elapsed());
    while !progress.is_finished() {
        let (done, total) = progress.counts();
        bar.set_length(total as u64);
        bar.set_position(done as u64);
        std::thread::sleep(TICK);
    }
    bar.finish_and_clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_is_only_for_people_at_a_terminal() {
        assert!(wanted(false, true, None));
        assert!(wanted(false, true, Some("false")));
        assert!(!wanted(true, true, None));
        assert!(!wanted(false, false, None));
        assert!(!wanted(false, true, Some("true")));
    }

    #[test]
    fn a_short_scan_shows_nothing_and_the_display_returns() {
        let progress = ScanProgress::default();
        progress.set_total(2);
        progress.file_done();
        progress.file_done();
        progress.finish();
        let start = Instant::now();
        display(&progress);
        assert!(start.elapsed() < DELAY);
        assert_eq!(progress.counts(), (2, 2));
    }
}
