//! Header structures read or changed in place, through `object`'s `Pod`
//! structs (whose fields are byte arrays: any offset will do). An offset
//! past the end of the bytes is an error, never a panic.

use object::Pod;

use crate::error::{Error, Result};

/// The structure `T` at `at` in `bytes`, a part of `what`.
pub fn read_at<'a, T: Pod>(bytes: &'a [u8], at: usize, what: &str) -> Result<&'a T> {
    bytes
        .get(at..)
        .and_then(|b| object::pod::from_bytes::<T>(b).ok())
        .map(|(value, _)| value)
        .ok_or_else(|| truncated(what))
}

/// The structure `T` at `at` in `bytes`, a part of `what`, to change it.
pub fn field_at<'a, T: Pod>(bytes: &'a mut [u8], at: usize, what: &str) -> Result<&'a mut T> {
    bytes
        .get_mut(at..)
        .and_then(|b| object::pod::from_bytes_mut::<T>(b).ok())
        .map(|(value, _)| value)
        .ok_or_else(|| truncated(what))
}

fn truncated(what: &str) -> Error {
    Error::Other(format!("truncated {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use object::{LittleEndian as LE, U32};

    #[test]
    fn fields_are_read_and_changed_in_place_and_bounded() {
        let mut bytes = [0u8, 1, 0, 0, 0, 9];
        assert_eq!(read_at::<U32<LE>>(&bytes, 1, "x").unwrap().get(LE), 1);
        field_at::<U32<LE>>(&mut bytes, 2, "x")
            .unwrap()
            .set(LE, 0x0807);
        assert_eq!(bytes, [0, 1, 7, 8, 0, 0]);
        let err = read_at::<U32<LE>>(&bytes, 3, "PE headers").unwrap_err();
        assert_eq!(err.to_string(), "truncated PE headers");
        assert!(field_at::<U32<LE>>(&mut bytes, 99, "x").is_err());
    }
}
