//! [`InMemory`]: a value archived in memory, read as its archived form.

use std::marker::PhantomData;
use std::ops::Deref;

use rkyv::util::AlignedVec;
use rkyv::Archived;

use crate::archive::{self, Freezable};

/// A value archived into memory and read as `&Archived<T>`: what code
/// written for a zero-copy frozen value (methods on the archived type, an
/// `impl ArchivedDictionary`) runs on when the value comes from elsewhere:
/// built in a unit test, or loaded at run time from a user's file.
///
/// ```
/// let squares: Vec<u32> = (1..=4).map(|n| n * n).collect();
/// let archived = fastboot_core::InMemory::new(&squares);
/// assert_eq!(archived[3].to_native(), 16);
/// ```
pub struct InMemory<T: Freezable> {
    bytes: AlignedVec,
    value: PhantomData<T>,
}

impl<T: Freezable> InMemory<T> {
    /// Archives `value`.
    ///
    /// # Panics
    /// If rkyv cannot archive it (see [`ArchiveError`](crate::ArchiveError)).
    pub fn new(value: &T) -> Self {
        const {
            assert!(
                align_of::<Archived<T>>() <= 16,
                "an archived type must not need more than 16-byte alignment"
            );
        }
        InMemory {
            bytes: archive::archive(value),
            value: PhantomData,
        }
    }
}

impl<T: Freezable> Deref for InMemory<T> {
    type Target = Archived<T>;

    fn deref(&self) -> &Archived<T> {
        // SAFETY: the bytes were archived from a `T` by `new` into an
        // `AlignedVec` (16-byte aligned, enough for the root, checked at
        // compile time in `new`), and are owned by `self`, so they live as
        // long as the borrow and never change.
        unsafe { rkyv::access_unchecked::<Archived<T>>(&self.bytes) }
    }
}

impl<T: Freezable> std::fmt::Debug for InMemory<T>
where
    Archived<T>: std::fmt::Debug,
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (**self).fmt(f)
    }
}
