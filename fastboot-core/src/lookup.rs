//! [`GetNative`]: lookups in archived hash maps by native keys.

use std::hash::Hash;

use rkyv::collections::swiss_table::ArchivedHashMap;

/// Looks up an archived hash map by a native key: a `char`, a number, a
/// `str`. rkyv's `get` takes keys its archived keys can `Borrow` (`str` for
/// `ArchivedString`), which `char_le` and `u32_le` cannot; their archived
/// forms hash as the native values do and compare with them, which is all
/// a lookup needs.
///
/// ```
/// use std::collections::HashMap;
/// use fastboot_core::GetNative as _;
///
/// let map: HashMap<char, u32> = HashMap::from([('é', 1), ('ß', 2)]);
/// let bytes = rkyv::to_bytes::<rkyv::rancor::Error>(&map).unwrap();
/// let archived = rkyv::access::<rkyv::Archived<HashMap<char, u32>>, rkyv::rancor::Error>(&bytes).unwrap();
/// assert_eq!(archived.get_native(&'ß').map(|n| n.to_native()), Some(2));
/// assert_eq!(archived.get_native(&'x'), None);
/// ```
pub trait GetNative<Q: ?Sized> {
    /// The archived value type.
    type Value;

    /// The value whose archived key equals `key`.
    fn get_native(&self, key: &Q) -> Option<&Self::Value>;

    /// Whether an archived key equals `key`.
    fn contains_native(&self, key: &Q) -> bool {
        self.get_native(key).is_some()
    }
}

impl<K, V, Q> GetNative<Q> for ArchivedHashMap<K, V>
where
    K: PartialEq<Q>,
    Q: Hash + Eq + ?Sized,
{
    type Value = V;

    fn get_native(&self, key: &Q) -> Option<&V> {
        self.get_with(key, |key, archived| archived == key)
    }
}
