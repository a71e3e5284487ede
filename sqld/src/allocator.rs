//! The global allocator: mimalloc, called the way std's own `System`
//! allocator calls malloc.
//!
//! Why mimalloc: a read-only sysbench transaction makes about 1,300
//! allocations (rows, string values, statement futures). Under callgrind,
//! glibc spent 19 % of all instructions in malloc and free, partly in
//! `malloc_consolidate`, which glibc runs whenever a request of 1 KiB or
//! more meets freed small chunks.
//!
//! Why not the `mimalloc` crate's `MiMalloc`: it sends every request to
//! `mi_malloc_aligned`, whose fast path needs a free block at hand and
//! whose fallback over-allocates unless the size class is a power of two.
//! A 24-byte request that needed a fresh page took that slow path, and so
//! did every request above 1 KiB. Plain `mi_malloc` already returns blocks
//! aligned to 16 bytes, or to 8 for blocks smaller than 16 (mimalloc's
//! `MI_MAX_ALIGN_SIZE`), so only stricter alignments need the aligned entry
//! points.
//!
//! Built without transparent huge pages (libmimalloc-sys's `no_thp`): with
//! them the few pages an idle connection touches were backed by 2 MiB
//! pages, 58 KiB of RSS per idle connection instead of 30.

use libmimalloc_sys as ffi;
use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

/// The alignment every mimalloc block of at least this size has.
const MIN_ALIGN: usize = 16;

pub struct Allocator;

/// Whether plain (unaligned) mimalloc calls satisfy `align` for a block of
/// `size` bytes. Rust sizes are multiples of their alignment, so a block
/// smaller than 16 bytes needs at most 8.
fn plain_fits(size: usize, align: usize) -> bool {
    align <= MIN_ALIGN && align <= size
}

// SAFETY: every entry point forwards to mimalloc, which returns null on
// failure and blocks aligned as `plain_fits` describes (or as requested,
// for the aligned entry points); `dealloc` takes any mimalloc block.
unsafe impl GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = if plain_fits(layout.size(), layout.align()) {
            unsafe { ffi::mi_malloc(layout.size()) }
        } else {
            unsafe { ffi::mi_malloc_aligned(layout.size(), layout.align()) }
        };
        p as *mut u8
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = if plain_fits(layout.size(), layout.align()) {
            unsafe { ffi::mi_zalloc(layout.size()) }
        } else {
            unsafe { ffi::mi_zalloc_aligned(layout.size(), layout.align()) }
        };
        p as *mut u8
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        unsafe { ffi::mi_free(ptr as *mut c_void) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = if plain_fits(new_size, layout.align()) {
            unsafe { ffi::mi_realloc(ptr as *mut c_void, new_size) }
        } else {
            unsafe { ffi::mi_realloc_aligned(ptr as *mut c_void, new_size, layout.align()) }
        };
        p as *mut u8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Blocks come back aligned as requested, for sizes around every
    /// small size class and the 1 KiB boundary, plain and over-aligned.
    #[test]
    fn blocks_have_the_requested_alignment() {
        let a = Allocator;
        for align in [1usize, 2, 4, 8, 16, 32, 64, 128, 4096] {
            for size in (1..=2200).filter(|s| s % align == 0) {
                let layout = Layout::from_size_align(size, align).unwrap();
                let mut held = Vec::new();
                // Several at once, so that some come from fresh pages.
                for _ in 0..3 {
                    let p = unsafe { a.alloc(layout) };
                    assert!(!p.is_null());
                    assert_eq!(p as usize % align, 0, "size {size} align {align}");
                    unsafe { p.write_bytes(0xab, size) };
                    held.push(p);
                }
                let z = unsafe { a.alloc_zeroed(layout) };
                assert_eq!(z as usize % align, 0);
                assert!(unsafe { std::slice::from_raw_parts(z, size) }
                    .iter()
                    .all(|&b| b == 0));
                held.push(z);
                let grown = unsafe { a.realloc(held[0], layout, size * 3) };
                assert_eq!(grown as usize % align, 0);
                assert!(unsafe { std::slice::from_raw_parts(grown, size) }
                    .iter()
                    .all(|&b| b == 0xab));
                held[0] = grown;
                for p in held {
                    unsafe { a.dealloc(p, layout) };
                }
            }
        }
    }
}
