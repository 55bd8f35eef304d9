//! How core packs names and numbers into bytes, for the small sorted collections a
//! server holds by the million ([`crate::weights::Weights`], the store's lists of
//! ids): a number as a LEB128 varint, a name as its length and then its bytes.

pub(crate) fn write_varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// The number written at `*at`, moving `at` past it; `None` past the end.
pub(crate) fn read_varint(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut n = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *bytes.get(*at)?;
        *at += 1;
        n |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return Some(n);
        }
    }
    None
}

pub(crate) fn write_name(out: &mut Vec<u8>, name: &[u8]) {
    write_varint(out, name.len() as u64);
    out.extend_from_slice(name);
}

/// The bytes of the name written at `*at`, moving `at` past it; `None` past the end.
pub(crate) fn read_name<'a>(bytes: &'a [u8], at: &mut usize) -> Option<&'a [u8]> {
    let len = usize::try_from(read_varint(bytes, at)?).ok()?;
    let end = at.checked_add(len)?;
    let name = bytes.get(*at..end)?;
    *at = end;
    Some(name)
}
