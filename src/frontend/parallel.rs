//! Independent parts of one file's analysis (walks of the same tree that do not read each
//! other's results) run side by side on the thread pool linting the file.
//!
//! Only a worker of a rayon pool splits its work: the scan's workers (which lint many files,
//! so an idle worker steals a part only when it has no file of its own left) and the
//! language server's pool (which lints one document at a time on every core). Called
//! from any other thread, the parts run one after the other on that thread, as before;
//! the results are the same either way.

/// Runs `a` and `b`, on two workers of the current rayon pool when one is free, and
/// returns both results. The thread-local settings of the extraction (which targets want
/// their recurring body's work, see [`crate::work::with_targets`]) are set on whichever
/// thread runs each part.
pub(crate) fn join<A, B, RA, RB>(a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA + Send,
    B: FnOnce() -> RB + Send,
    RA: Send,
    RB: Send,
{
    if rayon::current_thread_index().is_none() {
        return (a(), b());
    }
    let targets = crate::work::current_targets();
    let with = targets.clone();
    rayon::join(
        move || crate::work::with_current_targets(with, a),
        move || crate::work::with_current_targets(targets, b),
    )
}
