//! The three ways a frozen value is kept, each a [`Mode`] (see its table).
//! A mode says what is kept once the value is obtained and how to get it
//! from snapshot bytes, from a computed value, or in a freeze run;
//! [`Frozen`](crate::frozen::Frozen) does the rest (once, thread safely),
//! the same way for all three.

use std::marker::PhantomData;

use rkyv::de::Pool;
use rkyv::rancor::{self, Strategy};
use rkyv::with::{ArchiveWith, DeserializeWith, Identity, With};

use crate::archive::{self, ArchiveResult, Freezable};
use crate::sink::ArchiveSink;
use crate::vocabulary::InvalidData;

/// How a frozen static keeps its value:
///
/// | mode | the function returns | stored in the snapshot as | first access |
/// |---|---|---|---|
/// | [`ZeroCopy`] (default) | `&'static Archived<T>` | rkyv archive | in place, no copy |
/// | [`Deserialize`] | `&'static T` | rkyv archive | rkyv deserializes it once |
/// | [`Serde`] | `&'static T` | MessagePack | serde deserializes it once |
pub trait Mode: 'static {
    /// The type the function's body computes.
    type Value: 'static;
    /// What the function returns a reference to.
    type Output: ?Sized + Sync + 'static;
    /// What the static keeps once the value is obtained.
    type Kept: Send + Sync + 'static;

    /// Size and alignment of the root that snapshot bytes must hold.
    const ROOT: (usize, usize);

    /// The mode's name, part of every entry's fingerprint: an entry frozen
    /// in another mode is stale.
    const NAME: &'static str;

    /// Whether [`thaw`](Mode::thaw) may run the user's code even on trusted
    /// (embedded) bytes: a `Deserialize` implementation, which may read
    /// another frozen static. Checking untrusted bytes may run the user's
    /// code in any mode (a `bytecheck` implementation).
    const THAW_RUNS_USER_CODE: bool;

    /// The value's encoding for a snapshot, deterministic for the types the
    /// mode is given by the macro (a top-level `HashMap` of a plain type
    /// is archived in canonical order by the macro itself, see
    /// [`Freeze`](crate::archive::Freeze)), written into `sink`.
    fn encode(value: &Self::Value, sink: &mut ArchiveSink) -> ArchiveResult;

    /// Checks that `bytes` hold a valid encoding of the value, with no
    /// trust in them (for snapshot files and verify runs).
    fn validate(bytes: &[u8]) -> Result<(), InvalidData>;

    /// What to keep from a snapshot's bytes; bytes not `embedded` in the
    /// executable are validated first.
    ///
    /// # Safety
    /// `bytes` must stay mapped and unchanged for the life of the process,
    /// be aligned and long enough for [`ROOT`](Mode::ROOT), and, if
    /// `embedded`, hold this value's encoding as this program wrote it (a
    /// snapshot embedded in this very executable, for this entry).
    unsafe fn thaw(bytes: &'static [u8], embedded: bool) -> Result<Self::Kept, InvalidData>;

    /// What to keep when the body computed the value outside a freeze run.
    fn computed(value: Self::Value) -> Self::Kept;

    /// What to keep in a freeze run from the computed value, once it is
    /// archived for the snapshot; `None` where the mode keeps the archive
    /// instead, which is then [thawed](Mode::thaw), validated, if the value
    /// is used (by another frozen static's body).
    fn frozen(value: Self::Value) -> Option<Self::Kept>;

    /// The value, from what is kept.
    fn output(kept: &Self::Kept) -> &Self::Output;
}

/// A value of type `T` to encode as mode `M` stores it:
/// `(&Encode::<M, _>::new(value)).encode()` in the code the macro writes,
/// which falls back to a method of its own where `M` is no mode for `T`
/// (an error the macro reports once, at the return type).
#[derive(Debug)]
pub struct Encode<'a, M, T>(&'a T, PhantomData<M>);

impl<'a, M, T> Encode<'a, M, T> {
    /// Wraps `value`.
    pub fn new(value: &'a T) -> Self {
        Encode(value, PhantomData)
    }
}

/// [`Encode`]'s method where `M` is a mode for `T`.
pub trait EncodeAs {
    /// Writes the value's encoding for a snapshot into `sink`.
    fn encode(&self, sink: &mut ArchiveSink) -> ArchiveResult;
}

impl<M: Mode<Value = T>, T> EncodeAs for &Encode<'_, M, T> {
    fn encode(&self, sink: &mut ArchiveSink) -> ArchiveResult {
        M::encode(self.0, sink)
    }
}

/// The archived form of `T` under the rkyv `with` wrapper `W`
/// (`Archived<T>` when `W` is `Identity`).
pub type ArchivedWith<T, W> = <W as ArchiveWith<T>>::Archived;

/// The default mode: the value is accessed in place in the snapshot, as
/// `&'static Archived<T>`, with no copy (through the `with` wrapper `W`,
/// which the macro picks for types holding `&'static` references).
#[derive(Debug)]
pub struct ZeroCopy<T, W = Identity>(PhantomData<fn() -> (T, W)>);

/// `#[frozen(deserialize)]`: the value is stored as an rkyv archive and
/// deserialized into a `T` once, at first access; the function returns
/// `&'static T`.
#[derive(Debug)]
pub struct Deserialize<T, W = Identity>(PhantomData<fn() -> (T, W)>);

/// `#[frozen(serde)]`: the value is stored in MessagePack and deserialized
/// with serde into a `T` once, at first access; the function returns
/// `&'static T`.
#[derive(Debug)]
pub struct Serde<T>(PhantomData<fn() -> T>);

/// Accesses the archive in `bytes`.
///
/// # Safety
/// `bytes` must hold a valid archive of `With<T, W>` with its root at the
/// end, aligned for it, and must not change for the life of the process:
/// validated by rkyv, or made by this program (by archiving such a value
/// into an `AlignedVec`, whose 16-byte alignment suffices since
/// [`Frozen::new`](crate::frozen::Frozen::new) checks at compile time that
/// the root needs no more), or embedded in this very executable for this
/// entry (see `Frozen::thaw`).
unsafe fn access<T, W: ArchiveWith<T>>(bytes: &'static [u8]) -> &'static W::Archived
where
    W::Archived: rkyv::Portable,
{
    // SAFETY: as promised by the caller.
    unsafe { rkyv::access_unchecked::<W::Archived>(bytes) }
}

/// Accesses the archive in untrusted or trusted `bytes`: validated first
/// unless `embedded`.
///
/// # Safety
/// As for [`Mode::thaw`].
unsafe fn access_checked<T, W>(
    bytes: &'static [u8],
    embedded: bool,
) -> Result<&'static W::Archived, InvalidData>
where
    W: ArchiveWith<T>,
    With<T, W>: Freezable,
{
    if !embedded {
        archive::validate::<With<T, W>>(bytes)?;
    }
    // SAFETY: validated just above, or embedded in this executable for this
    // entry; mapped for the life of the process, aligned and long enough
    // for the root (the caller's promise).
    Ok(unsafe { access::<T, W>(bytes) })
}

impl<T: 'static, W: 'static> Mode for ZeroCopy<T, W>
where
    W: ArchiveWith<T>,
    With<T, W>: Freezable,
    W::Archived: Sync,
{
    type Value = T;
    type Output = W::Archived;
    type Kept = &'static W::Archived;

    const NAME: &'static str = "zero-copy";
    const THAW_RUNS_USER_CODE: bool = false;

    const ROOT: (usize, usize) = (size_of::<W::Archived>(), align_of::<W::Archived>());

    fn encode(value: &T, sink: &mut ArchiveSink) -> ArchiveResult {
        archive::archive_with::<T, W>(value, sink)
    }

    fn validate(bytes: &[u8]) -> Result<(), InvalidData> {
        archive::validate::<With<T, W>>(bytes)
    }

    unsafe fn thaw(bytes: &'static [u8], embedded: bool) -> Result<Self::Kept, InvalidData> {
        // SAFETY: the caller's promise is `access_checked`'s.
        unsafe { access_checked::<T, W>(bytes, embedded) }
    }

    fn computed(value: T) -> Self::Kept {
        let bytes: &'static [u8] =
            Box::leak(Box::new(archive::archive(With::<T, W>::cast(&value))));
        // SAFETY: just archived from a `With<T, W>` into an `AlignedVec`
        // (16-byte aligned, which the root's alignment does not exceed:
        // `Frozen::new` checks it at compile time), and leaked, so never
        // freed or changed.
        unsafe { access::<T, W>(bytes) }
    }

    fn frozen(value: T) -> Option<Self::Kept> {
        // The archive is what is kept, read in place if the value is used.
        // A freeze run exits once the snapshot is written, without dropping
        // frozen values (as Rust never drops statics): freeing every node
        // of a large value would only delay that exit.
        std::mem::forget(value);
        None
    }

    fn output(kept: &Self::Kept) -> &Self::Output {
        kept
    }
}

impl<T: 'static, W: 'static> Mode for Deserialize<T, W>
where
    W: ArchiveWith<T> + DeserializeWith<W::Archived, T, SnapshotDeserializer>,
    With<T, W>: Freezable,
    T: Send + Sync,
{
    type Value = T;
    type Output = T;
    type Kept = T;

    const NAME: &'static str = "deserialize";
    const THAW_RUNS_USER_CODE: bool = true;
    const ROOT: (usize, usize) = (size_of::<W::Archived>(), align_of::<W::Archived>());

    fn encode(value: &T, sink: &mut ArchiveSink) -> ArchiveResult {
        archive::archive_with::<T, W>(value, sink)
    }

    fn validate(bytes: &[u8]) -> Result<(), InvalidData> {
        archive::validate::<With<T, W>>(bytes)
    }

    unsafe fn thaw(bytes: &'static [u8], embedded: bool) -> Result<T, InvalidData> {
        // SAFETY: the caller's promise is `access_checked`'s.
        let archived = unsafe { access_checked::<T, W>(bytes, embedded)? };
        // The archive lives as long as the process (the caller's promise),
        // which is what `MappedSnapshot` lets `Static` fields borrow.
        let mut snapshot = MappedSnapshot::new(bytes);
        W::deserialize_with(archived, Strategy::wrap(&mut snapshot))
            .map_err(|e| InvalidData::Rejected(format!("deserializing: {e}")))
    }

    fn computed(value: T) -> T {
        value
    }

    fn frozen(value: T) -> Option<T> {
        Some(value)
    }

    fn output(kept: &T) -> &T {
        kept
    }
}

/// Implemented when fastboot's `serde` feature is on: `#[frozen(serde)]`
/// checks it first, so that with the feature off its error says so.
#[diagnostic::on_unimplemented(
    message = "#[fastboot::frozen(serde)] needs fastboot's `serde` feature",
    label = "the `serde` feature of `fastboot` is off",
    note = "enable it in Cargo.toml: it is one of fastboot's default features"
)]
pub trait SerdeFeature {}

#[cfg(feature = "serde")]
impl SerdeFeature for () {}

#[cfg(feature = "serde")]
impl<T> Mode for Serde<T>
where
    T: serde::Serialize + serde::de::DeserializeOwned + Send + Sync + 'static,
{
    type Value = T;
    type Output = T;
    type Kept = T;

    const NAME: &'static str = crate::serde_format::NAME;
    const THAW_RUNS_USER_CODE: bool = true;
    // MessagePack has no alignment: any bytes may hold a value.
    const ROOT: (usize, usize) = (0, 1);

    fn encode(value: &T, sink: &mut ArchiveSink) -> ArchiveResult {
        crate::serde_format::encode(value, sink)
    }

    fn validate(bytes: &[u8]) -> Result<(), InvalidData> {
        crate::serde_format::decode::<T>(bytes).map(drop)
    }

    unsafe fn thaw(bytes: &'static [u8], _embedded: bool) -> Result<T, InvalidData> {
        // Decoding is safe code whatever the bytes: no need to trust them.
        crate::serde_format::decode(bytes)
    }

    fn computed(value: T) -> T {
        value
    }

    fn frozen(value: T) -> Option<T> {
        Some(value)
    }

    fn output(kept: &T) -> &T {
        kept
    }
}

/// rkyv's deserializer for a snapshot's archives, which lets
/// [`Static`](crate::Static) fields borrow what lies in the snapshot.
///
/// It knows the snapshot's bytes, mapped for the life of the process and
/// never changed (what [`Mode::thaw`]'s caller promises), and lends
/// `'static` borrows only of memory inside them; anything else a
/// deserializer is handed is copied.
#[derive(Debug)]
pub struct MappedSnapshot {
    pool: Pool,
    bytes: &'static [u8],
}

impl MappedSnapshot {
    fn new(bytes: &'static [u8]) -> Self {
        MappedSnapshot {
            pool: Pool::new(),
            bytes,
        }
    }

    /// `value` for the life of the process, if it lies within the
    /// snapshot's bytes.
    pub fn borrow<T: ?Sized>(&self, value: &T) -> Option<&'static T> {
        let start = std::ptr::from_ref(value).cast::<u8>() as usize;
        let end = start.checked_add(size_of_val(value))?;
        let snapshot = self.bytes.as_ptr_range();
        let inside = snapshot.start as usize <= start && end <= snapshot.end as usize;
        // SAFETY: `value` lies within `bytes`, which live, unchanged, for
        // the life of the process (`'static`, and never written: see
        // `Mode::thaw`'s contract), so it does too.
        inside.then(|| unsafe { &*std::ptr::from_ref(value) })
    }
}

/// The deserializer [`Deserialize`] mode uses: rkyv's, over archives that
/// live as long as the process.
pub type SnapshotDeserializer = Strategy<MappedSnapshot, rancor::Error>;

impl<E: rancor::Source> rkyv::de::Pooling<E> for MappedSnapshot {
    fn start_pooling(&mut self, address: usize) -> rkyv::de::PoolingState {
        rkyv::de::Pooling::<E>::start_pooling(&mut self.pool, address)
    }

    unsafe fn finish_pooling(
        &mut self,
        address: usize,
        ptr: rkyv::de::ErasedPtr,
        drop: unsafe fn(rkyv::de::ErasedPtr),
    ) -> Result<(), E> {
        // SAFETY: the caller's promise (`drop` is valid to call with `ptr`)
        // is passed on unchanged.
        unsafe { rkyv::de::Pooling::<E>::finish_pooling(&mut self.pool, address, ptr, drop) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::borrowed::Static;

    /// Leaks the archive of `value`, as a snapshot mapped for the life of
    /// the process would be.
    fn leaked<T, W>(value: &T) -> &'static [u8]
    where
        With<T, W>: Freezable,
    {
        let mut sink = ArchiveSink::in_memory();
        archive::archive_with::<T, W>(value, &mut sink).unwrap();
        Box::leak(Box::new(sink.into_bytes()))
    }

    #[test]
    fn deserialized_static_strings_and_slices_point_into_the_snapshot() {
        let names: Vec<&'static str> = vec!["one", "a string too long to be inline"];
        let bytes = leaked::<Vec<&'static str>, rkyv::with::Map<Static>>(&names);
        // SAFETY: leaked, so mapped for the life of the process; the
        // archive of a `Vec`, aligned by its `AlignedVec` (and validated).
        let thawed = unsafe {
            Deserialize::<Vec<&'static str>, rkyv::with::Map<Static>>::thaw(bytes, false)
        }
        .unwrap();
        assert_eq!(thawed, names);
        let range = bytes.as_ptr_range();
        for name in &thawed {
            assert!(range.contains(&name.as_ptr()), "{name} was copied");
        }

        let numbers: &'static [u32] = &[7, 8, 9];
        let bytes = leaked::<&'static [u32], Static>(&numbers);
        // SAFETY: as above.
        let thawed = unsafe { Deserialize::<&'static [u32], Static>::thaw(bytes, false) }.unwrap();
        assert_eq!(thawed, numbers);
        if cfg!(target_endian = "little") {
            assert!(bytes.as_ptr_range().contains(&thawed.as_ptr().cast()));
        }
    }

    /// A wrapper whose deserialization, entirely safe code, hands the
    /// snapshot's deserializer a string of an archive of its own on the
    /// heap, then frees that archive: what it gets must not borrow from it.
    struct ForeignArchive;

    impl ArchiveWith<&'static str> for ForeignArchive {
        type Archived = rkyv::string::ArchivedString;
        type Resolver = rkyv::string::StringResolver;

        fn resolve_with(
            field: &&'static str,
            resolver: Self::Resolver,
            out: rkyv::Place<Self::Archived>,
        ) {
            <Static as ArchiveWith<&'static str>>::resolve_with(field, resolver, out);
        }
    }

    impl<S> rkyv::with::SerializeWith<&'static str, S> for ForeignArchive
    where
        S: rancor::Fallible + rkyv::ser::Writer + ?Sized,
        S::Error: rancor::Source,
    {
        fn serialize_with(
            field: &&'static str,
            serializer: &mut S,
        ) -> Result<Self::Resolver, S::Error> {
            <Static as rkyv::with::SerializeWith<&'static str, S>>::serialize_with(
                field, serializer,
            )
        }
    }

    impl DeserializeWith<rkyv::string::ArchivedString, &'static str, SnapshotDeserializer>
        for ForeignArchive
    {
        fn deserialize_with(
            _: &rkyv::string::ArchivedString,
            snapshot: &mut SnapshotDeserializer,
        ) -> Result<&'static str, rancor::Error> {
            let heap =
                archive::archive(&String::from("a string on the heap, too long to be inline"));
            let archived =
                rkyv::access::<rkyv::string::ArchivedString, rancor::Error>(&heap).unwrap();
            let string = Static::deserialize_with(archived, snapshot)?;
            drop(heap);
            Ok(string)
        }
    }

    #[test]
    fn a_string_from_outside_the_snapshot_is_copied_not_borrowed() {
        let bytes = leaked::<&'static str, ForeignArchive>(&"x");
        // SAFETY: leaked, so mapped for the life of the process; aligned by
        // its `AlignedVec`; not embedded, so validated.
        let string =
            unsafe { Deserialize::<&'static str, ForeignArchive>::thaw(bytes, false) }.unwrap();
        // The freed archive's memory, reused: a borrow of it would read 'Z's.
        let reuse: Vec<u8> = std::hint::black_box(vec![b'Z'; 64]);
        assert_eq!(string, "a string on the heap, too long to be inline");
        assert!(!bytes.as_ptr_range().contains(&string.as_ptr()));
        drop(reuse);
    }

    #[test]
    fn an_untrusted_archive_is_validated_before_it_is_read() {
        let mut garbage = rkyv::util::AlignedVec::<16>::new();
        garbage.extend_from_slice(&[0xff; 64]);
        let bytes: &'static [u8] = Box::leak(Box::new(garbage));
        // SAFETY: leaked and 16-byte aligned, longer than a `Vec`'s root;
        // not embedded, so validated before any access.
        let deserialized = unsafe { Deserialize::<Vec<String>>::thaw(bytes, false) };
        assert!(matches!(deserialized, Err(InvalidData::Rejected(_))));
        // SAFETY: as above.
        assert!(unsafe { ZeroCopy::<Vec<String>>::thaw(bytes, false) }.is_err());
    }
}
