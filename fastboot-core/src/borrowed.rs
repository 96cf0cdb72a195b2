//! [`Static`]: archiving `&'static str` and `&'static [T]`, and borrowing
//! them back from the snapshot.

use std::borrow::Cow;

use rkyv::rancor::{Fallible, Source};
use rkyv::ser::{Allocator, Writer};
use rkyv::string::{ArchivedString, StringResolver};
use rkyv::vec::{ArchivedVec, VecResolver};
use rkyv::with::{ArchiveWith, DeserializeWith, SerializeWith};
use rkyv::{Archive, Place, Serialize};

use crate::mode::SnapshotDeserializer;

/// An rkyv `with` wrapper for `&'static str` and `&'static [T]`, which rkyv
/// cannot archive by itself (it has no `Archive` for references).
///
/// A `&'static str` is archived as a `String` is (`ArchivedString`), a
/// `&'static [T]` as a `Vec<T>` is (`ArchivedVec`), so zero-copy code reads
/// them as it would those. In `#[frozen(deserialize)]` mode they are not
/// copied: the `&'static str` (or `&'static [u8]`, or
/// `&'static [u32]` on a little-endian target...) points into the snapshot,
/// which is mapped for the life of the process. (A slice whose archived
/// elements differ from native ones in memory, such as `&'static [u32]` on
/// a big-endian target, is copied once and leaked instead.)
///
/// The macro applies it by itself to a frozen function's return type
/// (`Vec<&'static str>`, `HashMap<&'static str, &'static str>`, ...); mark
/// the fields of your own types:
///
/// ```
/// #[derive(rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
/// struct Language {
///     #[rkyv(with = fastboot_core::Static)]
///     name: &'static str,
///     #[rkyv(with = fastboot_core::Static)]
///     extensions: &'static [u8],
/// }
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Static;

impl ArchiveWith<&'static str> for Static {
    type Archived = ArchivedString;
    type Resolver = StringResolver;

    fn resolve_with(field: &&'static str, resolver: StringResolver, out: Place<ArchivedString>) {
        ArchivedString::resolve_from_str(field, resolver, out);
    }
}

impl<S> SerializeWith<&'static str, S> for Static
where
    S: Fallible + Writer + ?Sized,
    S::Error: Source,
{
    fn serialize_with(
        field: &&'static str,
        serializer: &mut S,
    ) -> Result<StringResolver, S::Error> {
        ArchivedString::serialize_from_str(field, serializer)
    }
}

impl DeserializeWith<ArchivedString, &'static str, SnapshotDeserializer> for Static {
    fn deserialize_with(
        field: &ArchivedString,
        snapshot: &mut SnapshotDeserializer,
    ) -> Result<&'static str, rkyv::rancor::Error> {
        // Borrowed from the snapshot when it lies there; a string from any
        // other archive (one that the deserialized type's own code made) is
        // copied, once, and leaked.
        Ok(snapshot
            .borrow(field.as_str())
            .unwrap_or_else(|| String::leak(field.as_str().to_owned())))
    }
}

impl<T: Archive> ArchiveWith<&'static [T]> for Static {
    type Archived = ArchivedVec<T::Archived>;
    type Resolver = VecResolver;

    fn resolve_with(field: &&'static [T], resolver: VecResolver, out: Place<Self::Archived>) {
        ArchivedVec::resolve_from_slice(field, resolver, out);
    }
}

impl<T, S> SerializeWith<&'static [T], S> for Static
where
    T: Serialize<S>,
    S: Fallible + Allocator + Writer + ?Sized,
{
    fn serialize_with(field: &&'static [T], serializer: &mut S) -> Result<VecResolver, S::Error> {
        ArchivedVec::serialize_from_slice(field, serializer)
    }
}

impl<T: Native> DeserializeWith<ArchivedVec<T::Archived>, &'static [T], SnapshotDeserializer>
    for Static
{
    fn deserialize_with(
        field: &ArchivedVec<T::Archived>,
        snapshot: &mut SnapshotDeserializer,
    ) -> Result<&'static [T], rkyv::rancor::Error> {
        // As for `&'static str` above: borrowed from the snapshot, or
        // copied and leaked.
        let view = T::view(field);
        Ok(match snapshot.borrow(&*view) {
            Some(slice) => slice,
            None => Vec::leak(view.into_owned()),
        })
    }
}

/// Plain numbers whose archived slices read as native slices: in place
/// where rkyv's archived form is the native one in memory (one byte, or a
/// little-endian target), copied otherwise. Implemented by fastboot for
/// the integers and floats; sealed.
pub trait Native: Archive + Copy + Sized + sealed::Sealed + 'static {
    /// `archived` as native values.
    fn view(archived: &[Self::Archived]) -> Cow<'_, [Self]>;
}

/// An archived slice of numbers as a native slice, without a copy: an
/// `ArchivedVec<u32_le>` as `&[u32]`. rkyv archives numbers little-endian,
/// so this is offered on little-endian targets (x86-64, aarch64, wasm...);
/// elsewhere, read each with `to_native()`.
#[cfg(target_endian = "little")]
pub trait AsNative {
    /// The native number type.
    type Native;

    /// The slice as native numbers, in place.
    fn as_native(&self) -> &[Self::Native];
}

mod sealed {
    /// Keeps [`Native`](super::Native) fastboot's: `Static` trusts its
    /// `view` to return the archived slice's own memory.
    pub trait Sealed {}
}

macro_rules! native {
    ($($native:ident as $archived:ident),*) => {$(
        impl sealed::Sealed for $native {}

        impl Native for $native {
            fn view(archived: &[Self::Archived]) -> Cow<'_, [Self]> {
                if cfg!(target_endian = "little") {
                    // SAFETY: rkyv's archived form of this number has the
                    // size and alignment of the native one (checked below at
                    // compile time) and, on a little-endian target, the same
                    // bytes; every bit pattern is a valid value of it.
                    Cow::Borrowed(unsafe {
                        std::slice::from_raw_parts(archived.as_ptr().cast::<Self>(), archived.len())
                    })
                } else {
                    Cow::Owned(archived.iter().map(|n| n.to_native()).collect())
                }
            }
        }

        #[cfg(target_endian = "little")]
        impl AsNative for [rkyv::rend::$archived] {
            type Native = $native;

            fn as_native(&self) -> &[$native] {
                match <$native as Native>::view(self) {
                    Cow::Borrowed(native) => native,
                    Cow::Owned(_) => unreachable!("little-endian numbers are read in place"),
                }
            }
        }

        // rkyv archives the number as this type, and in the same size
        // and alignment.
        const _: fn(rkyv::Archived<$native>) -> rkyv::rend::$archived = |n| n;
        const _: () = assert!(
            size_of::<$native>() == size_of::<<$native as Archive>::Archived>()
                && align_of::<$native>() == align_of::<<$native as Archive>::Archived>()
        );
    )*};
}

native!(
    u16 as u16_le,
    i16 as i16_le,
    u32 as u32_le,
    i32 as i32_le,
    u64 as u64_le,
    i64 as i64_le,
    f32 as f32_le,
    f64 as f64_le
);

impl sealed::Sealed for u8 {}
impl sealed::Sealed for i8 {}

impl Native for u8 {
    fn view(archived: &[u8]) -> Cow<'_, [u8]> {
        Cow::Borrowed(archived)
    }
}

impl Native for i8 {
    fn view(archived: &[i8]) -> Cow<'_, [i8]> {
        Cow::Borrowed(archived)
    }
}
