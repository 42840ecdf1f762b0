//! [`Buf`]: text built by appending, then kept as [`Text`]. It stands in for `String`, whose
//! generic growth code (`RawVec`) costs 0.16 KB gzip of wasm. Nothing is ever freed (see the
//! bump allocator), so a buffer is a pointer, a length and a capacity, and growing the newest
//! block of the heap happens in place.

use super::Text;
use core::alloc::Layout;

pub struct Buf {
    ptr: *mut u8,
    len: usize,
    cap: usize,
}

impl Buf {
    pub const fn new() -> Buf {
        Buf {
            ptr: core::ptr::dangling_mut(),
            len: 0,
            cap: 0,
        }
    }

    /// Appends `s`, doubling the capacity when it is too small.
    #[inline(never)]
    pub fn push(&mut self, s: &str) {
        let len = self.len + s.len();
        self.reserve(len);
        // SAFETY: `cap >= len`, and `s` cannot overlap the bytes past `self.len`.
        unsafe { core::ptr::copy_nonoverlapping(s.as_ptr(), self.ptr.add(self.len), s.len()) };
        self.len = len;
    }

    /// Room for `len` bytes in all.
    pub fn reserve(&mut self, len: usize) {
        if len > self.cap {
            let cap = len.max(self.cap * 2);
            // SAFETY: byte layouts (align 1); `ptr` was allocated with `self.cap` bytes.
            self.ptr = unsafe {
                if self.cap == 0 {
                    alloc::alloc::alloc(Layout::from_size_align_unchecked(cap, 1))
                } else {
                    let old = Layout::from_size_align_unchecked(self.cap, 1);
                    alloc::alloc::realloc(self.ptr, old, cap)
                }
            };
            assert!(!self.ptr.is_null());
            self.cap = cap;
        }
    }

    /// The free bytes' start.
    pub fn as_ptr(&self) -> *mut u8 {
        self.ptr
    }

    /// Takes `n` bytes written in place as the text (UTF-8, within the capacity).
    pub fn set_len(&mut self, n: usize) {
        self.len = n;
    }

    /// Keeps the text for the rest of the page (nothing is freed anyway).
    pub fn text(self) -> Text {
        // SAFETY: the bytes are never freed nor written again (the `Buf` is gone).
        unsafe { core::str::from_utf8_unchecked(core::slice::from_raw_parts(self.ptr, self.len)) }
    }

    /// The text as an owned `String` that frees its bytes (`fuzz/` only: millions of runs in
    /// one process would otherwise fill memory with what the page would keep).
    #[cfg(fuzzing)]
    pub fn into_string(self) -> alloc::string::String {
        // SAFETY: `ptr` holds `len` bytes of UTF-8 in an allocation of `cap` bytes with align 1
        // (or dangles with `cap == 0`), which is what a `String` owns.
        unsafe { alloc::string::String::from_raw_parts(self.ptr, self.len, self.cap) }
    }

    /// Cuts to `n` bytes (a char boundary).
    pub fn truncate(&mut self, n: usize) {
        self.len = self.len.min(n);
    }

    pub fn clear(&mut self) {
        self.len = 0;
    }
}

impl core::ops::Deref for Buf {
    type Target = str;

    fn deref(&self) -> &str {
        // SAFETY: only whole `str`s are pushed, and `truncate` cuts at char boundaries.
        unsafe { core::str::from_utf8_unchecked(core::slice::from_raw_parts(self.ptr, self.len)) }
    }
}

impl From<&str> for Buf {
    fn from(s: &str) -> Buf {
        let mut b = Buf::new();
        b.push(s);
        b
    }
}

#[cfg(test)]
impl PartialEq<&str> for Buf {
    fn eq(&self, o: &&str) -> bool {
        **self == **o
    }
}

#[cfg(test)]
impl core::fmt::Debug for Buf {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        (**self).fmt(f)
    }
}

#[cfg(test)]
impl core::fmt::Display for Buf {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        (**self).fmt(f)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn appends_grows_truncates() {
        let mut b = Buf::from("ab");
        for _ in 0..100 {
            b.push("цд");
        }
        assert_eq!(b.len(), 2 + 100 * 4);
        assert!(b.starts_with("abцд") && b.ends_with("цд"));
        b.truncate(4);
        assert_eq!(&*b, "abц");
        b.clear();
        b.push("x");
        assert_eq!(b.text(), "x");
        assert_eq!(&*Buf::new(), "");
    }
}
