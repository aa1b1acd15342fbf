//! The RFC 5054 3072-bit group, its Montgomery arithmetic and the exponentiations SRP needs.
//!
//! Secret exponents go through [`Group::pow_g_secret`] (a fixed-base table for `g = 2`, scanned
//! in full at every step so the access pattern does not depend on the exponent) or
//! [`Group::pow_secret`] (a constant-time fixed-window exponentiation, bounded by a bit length
//! that depends only on how the exponent was made, never on its value). Both run on the
//! hand-written 3072-bit Montgomery arithmetic of [`super::montgomery`]; crypto-bigint does
//! everything else (parsing, reduction, the occasional multiplication off the hot path). The two
//! share the Montgomery form (`R = 2^3072`), so values pass between them unchanged.

use std::sync::OnceLock;

use crypto_bigint::modular::{FixedMontyForm, FixedMontyParams};
use crypto_bigint::{NonZero, Odd, U3072, U6144, U8192};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::encoding::{left_pad, minimal_twos_complement};
use super::montgomery::native::{self as arith, Modulus, Residue};
use super::montgomery::scrub_stack;
use super::SrpError;

/// A number modulo N (or an exponent), 3072 bits.
pub(crate) type Big = U3072;
/// A number modulo N in Montgomery form.
pub(crate) type Mont = FixedMontyForm<{ U3072::LIMBS }>;
type Params = FixedMontyParams<{ U3072::LIMBS }>;

/// Bytes in a number modulo N.
pub(crate) const N_BYTES: usize = 384;

/// RFC 5054 appendix A, 3072-bit group (the same prime as RFC 3526 group 15).
const N_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74",
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437",
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05",
    "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB",
    "9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718",
    "3995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33",
    "A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864",
    "D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E2",
    "08E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);
const G: u64 = 2;

/// Width of a window of the fixed-base table, in bits.
const WINDOW_BITS: u32 = 5;
const WINDOW_SIZE: usize = 1 << WINDOW_BITS;
/// Exponents up to this many bits use the fixed-base table for `g`.
pub(crate) const TABLE_EXPONENT_BITS: u32 = 256;

pub(crate) struct Group {
    params: Params,
    n: NonZero<Big>,
    n_minus_1: NonZero<Big>,
    g: Mont,
    k: Mont,
    /// The same modulus for the hand-written arithmetic.
    modulus: Modulus,
    /// `g_table[i][j] = g^(j · 2^(WINDOW_BITS·i))` in Montgomery form.
    g_table: Vec<[Residue; WINDOW_SIZE]>,
}

/// N as a number.
pub(crate) fn modulus() -> Big {
    Big::from_be_hex(N_HEX)
}

/// The group, built once per process (about 1 650 multiplications for the table of `g`, 640 KB).
pub(crate) fn group() -> &'static Group {
    static GROUP: OnceLock<Group> = OnceLock::new();
    GROUP.get_or_init(Group::build)
}

impl Group {
    fn build() -> Group {
        let n = modulus();
        let odd = Odd::new(n)
            .into_option()
            .expect("the RFC 5054 prime is odd");
        let params = Params::new_vartime(odd);
        let g = Mont::new(&Big::from_u64(G), &params);

        let n_enc = minimal_twos_complement(&n.to_be_bytes());
        let g_enc = minimal_twos_complement(&Big::from_u64(G).to_be_bytes());
        let k_hash = Sha256::new()
            .chain_update(&n_enc)
            .chain_update(&g_enc)
            .finalize();
        let k = Mont::new(&Big::from_be_slice_vartime_padded(&k_hash), &params);

        let modulus = Modulus::new(&n, params.r2());
        let rows = TABLE_EXPONENT_BITS.div_ceil(WINDOW_BITS) as usize;
        let mut g_table = Vec::with_capacity(rows);
        let mut base = arith::from_uint(g.as_montgomery()); // g^(2^(WINDOW_BITS·i))
        for _ in 0..rows {
            let mut row = [*modulus.one(); WINDOW_SIZE];
            for j in 1..WINDOW_SIZE {
                row[j] = arith::mul(&row[j - 1], &base, &modulus);
            }
            base = arith::mul(&row[WINDOW_SIZE - 1], &base, &modulus);
            g_table.push(row);
        }

        Group {
            params,
            n: NonZero::new(n).into_option().expect("N is not zero"),
            n_minus_1: NonZero::new(n.wrapping_sub(&Big::ONE))
                .into_option()
                .expect("N - 1 is not zero"),
            g,
            k,
            modulus,
            g_table,
        }
    }

    pub(crate) fn k(&self) -> &Mont {
        &self.k
    }

    pub(crate) fn n_minus_1(&self) -> &NonZero<Big> {
        &self.n_minus_1
    }

    pub(crate) fn to_mont(&self, value: &Big) -> Mont {
        Mont::new(value, &self.params)
    }

    /// Reads a public number of any length up to 6144 bits and reduces it modulo N.
    pub(crate) fn reduce_public(
        &self,
        field: &'static str,
        be_bytes: &[u8],
    ) -> Result<Big, SrpError> {
        if let Ok(padded) = left_pad(field, be_bytes, N_BYTES) {
            // Below 2^3072 < 2N: one subtraction reduces it (a public value, so a branch is fine).
            let value = Big::from_be_slice(&padded);
            let n = self.n.as_ref();
            return Ok(if &value >= n {
                value.wrapping_sub(n)
            } else {
                value
            });
        }
        let padded = left_pad(field, be_bytes, U6144::BYTES)?;
        let wide = U6144::from_be_slice(&padded);
        Ok(wide.rem(&self.n))
    }

    /// Reads a secret exponent of up to 8192 bits and reduces it modulo N - 1 (g^(N-1) = 1).
    pub(crate) fn reduce_exponent(
        &self,
        field: &'static str,
        be_bytes: &[u8],
    ) -> Result<Big, SrpError> {
        if be_bytes.len() < N_BYTES {
            // Shorter than N - 1, so already reduced (the branch is on the length, not the value).
            let padded = left_pad(field, be_bytes, N_BYTES)?;
            return Ok(Big::from_be_slice(&padded));
        }
        let padded = left_pad(field, be_bytes, U8192::BYTES)?;
        let wide = U8192::from_be_slice(&padded);
        Ok(wide.rem(&self.n_minus_1))
    }

    /// `g^e` for a secret `e` below `2^bits`. Constant time in `e` for a given `bits`.
    pub(crate) fn pow_g_secret(&self, e: &Big, bits: u32) -> Mont {
        if bits > TABLE_EXPONENT_BITS {
            return self.pow_secret(&self.g, e, bits);
        }
        let digits = Zeroizing::new(arith::from_uint(e));
        let mut acc = Zeroizing::new(arith::select(
            &self.g_table[0],
            arith::window(&digits, 0, WINDOW_BITS),
        ));
        for (i, row) in self.g_table.iter().enumerate().skip(1) {
            let chosen = Zeroizing::new(arith::select(
                row,
                arith::window(&digits, i as u32 * WINDOW_BITS, WINDOW_BITS),
            ));
            *acc = arith::mul(&acc, &chosen, &self.modulus);
        }
        scrub_stack();
        Mont::from_montgomery(arith::to_uint(&acc), &self.params)
    }

    /// `base^e` for a secret `e` below `2^bits`. Constant time in `e` and `base` for a given `bits`.
    pub(crate) fn pow_secret(&self, base: &Mont, e: &Big, bits: u32) -> Mont {
        let base = Zeroizing::new(arith::from_uint(base.as_montgomery()));
        let e = Zeroizing::new(arith::from_uint(e));
        let result = Zeroizing::new(arith::pow(&base, &e, bits, &self.modulus));
        Mont::from_montgomery(arith::to_uint(&result), &self.params)
    }
}

/// Big-endian bytes of at most 384 bytes as a [`Big`] (hash outputs, salts).
trait FromPadded {
    fn from_be_slice_vartime_padded(bytes: &[u8]) -> Big;
}

impl FromPadded for Big {
    fn from_be_slice_vartime_padded(bytes: &[u8]) -> Big {
        let mut buf = [0u8; N_BYTES];
        let take = bytes.len().min(N_BYTES);
        buf[N_BYTES - take..].copy_from_slice(&bytes[bytes.len() - take..]);
        Big::from_be_slice(&buf)
    }
}

/// A hash output (32 bytes) as a number.
pub(crate) fn hash_to_big(hash: &[u8]) -> Big {
    Big::from_be_slice_vartime_padded(hash)
}
