//! The memory allocator of every program built on this crate: mimalloc.
//!
//! A lint allocates and frees many small objects (syntax, names, facts). mimalloc serves
//! them in fewer instructions than the system allocator (a quarter fewer for a Rust lint,
//! where `syn` allocates the most), and it keeps freed memory for reuse when asked to
//! ([`keep_freed_memory`]).

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (its `mimalloc.h`, version 3, the crate's default).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Keeps freed memory mapped for reuse instead of handing it back to the system a few
/// milliseconds later. A process that lints the same documents again and again (the
/// language server) then touches no fresh pages per lint: each would be a page fault,
/// costly on a virtual machine. A scan leaves the default (memory handed back).
pub fn keep_freed_memory() {
    // SAFETY: sets one of mimalloc's options, which it reads on each purge; every value
    // is valid for this option (-1: never purge).
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) }
}

#[cfg(test)]
mod tests {
    #[test]
    fn freed_memory_is_kept_once_asked() {
        super::keep_freed_memory();
        // SAFETY: reads an option; any option id is valid to read.
        let delay = unsafe { libmimalloc_sys::mi_option_get(super::PURGE_DELAY) };
        assert_eq!(delay, -1);
    }
}
