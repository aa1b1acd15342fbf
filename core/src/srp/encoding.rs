//! Hex, base64 and the big-integer byte encoding Cognito hashes.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use zeroize::Zeroizing;

use super::group::Big;
use super::SrpError;

/// Decodes hex that may have an odd number of digits (a leading `0` is implied).
pub(crate) fn decode_hex(field: &'static str, text: &str) -> Result<Vec<u8>, SrpError> {
    let digits = text.as_bytes();
    if digits.is_empty() {
        return Err(SrpError::InvalidHex { field });
    }
    let mut out = Vec::with_capacity(digits.len().div_ceil(2));
    let (head, rest) = if digits.len() % 2 == 1 {
        (Some(digits[0]), &digits[1..])
    } else {
        (None, digits)
    };
    if let Some(d) = head {
        out.push(nibble(field, d)?);
    }
    for pair in rest.chunks_exact(2) {
        out.push((nibble(field, pair[0])? << 4) | nibble(field, pair[1])?);
    }
    Ok(out)
}

fn nibble(field: &'static str, digit: u8) -> Result<u8, SrpError> {
    match digit {
        b'0'..=b'9' => Ok(digit - b'0'),
        b'a'..=b'f' => Ok(digit - b'a' + 10),
        b'A'..=b'F' => Ok(digit - b'A' + 10),
        _ => Err(SrpError::InvalidHex { field }),
    }
}

/// Lowercase hex of bytes, two digits per byte.
pub(crate) fn encode_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 0xf) as usize] as char);
    }
    out
}

pub(crate) fn decode_base64(field: &'static str, text: &str) -> Result<Vec<u8>, SrpError> {
    STANDARD
        .decode(text.trim())
        .map_err(|_| SrpError::InvalidBase64 { field })
}

pub(crate) fn encode_base64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Minimal big-endian two's complement of a non-negative integer given as big-endian bytes:
/// leading zero bytes dropped, one `0x00` added back when the top bit is set; zero is `[0x00]`.
pub(crate) fn minimal_twos_complement(be_bytes: &[u8]) -> Vec<u8> {
    let first = be_bytes.iter().position(|&b| b != 0);
    match first {
        None => vec![0],
        Some(i) => {
            let digits = &be_bytes[i..];
            let mut out = Vec::with_capacity(digits.len() + 1);
            if digits[0] & 0x80 != 0 {
                out.push(0);
            }
            out.extend_from_slice(digits);
            out
        }
    }
}

/// [`minimal_twos_complement`] of a big integer, in a buffer wiped on drop (for secrets like S).
pub(crate) fn encode_big(value: &Big) -> Zeroizing<Vec<u8>> {
    let bytes = Zeroizing::new(value.to_be_bytes());
    Zeroizing::new(minimal_twos_complement(bytes.as_ref()))
}

/// Hex without leading zeros, as `BigInteger.toString(16)` prints it (`SRP_A`, `SRP_B`).
pub(crate) fn big_to_hex(value: &Big) -> String {
    let hex = encode_hex(value.to_be_bytes().as_ref());
    let trimmed = hex.trim_start_matches('0');
    if trimmed.is_empty() {
        "0".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// Right-aligns big-endian bytes in a zeroed buffer of `width` bytes.
/// Fails with [`SrpError::ValueTooLarge`] when the significant bytes do not fit.
pub(crate) fn left_pad(
    field: &'static str,
    be_bytes: &[u8],
    width: usize,
) -> Result<Zeroizing<Vec<u8>>, SrpError> {
    let start = be_bytes
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(be_bytes.len());
    let significant = &be_bytes[start..];
    if significant.len() > width {
        return Err(SrpError::ValueTooLarge { field });
    }
    let mut out = Zeroizing::new(vec![0u8; width]);
    out[width - significant.len()..].copy_from_slice(significant);
    Ok(out)
}
