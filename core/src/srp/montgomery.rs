//! Montgomery arithmetic written for exactly one size: 3072-bit numbers modulo the RFC 5054
//! prime, with `R = 2^3072` (the same Montgomery form as crypto-bigint's, so values pass between
//! the two unchanged). It is only the hot path of [`super::group`]: crypto-bigint still parses and
//! reduces.
//!
//! * [`mul`](native::mul) is a product-scanning Montgomery multiplication with the reduction
//!   interleaved ("FIPS"): column by column it sums the products `a_i·b_j` and the reduction
//!   products `q_i·n_j` of that weight, so every digit is written once. The prime is `-1` modulo
//!   `2^64`, so the reduction digit `q_k` is the column's low digit itself (no multiplication by
//!   `-1/n`).
//! * [`sqr`](native::sqr) is the same with each cross product `a_i·a_j` (`i < j`) computed once
//!   (by multiplying with the digits of `2a`): about 3 500 digit products instead of 4 600 for
//!   64-bit digits.
//! * [`pow`](native::pow) is a fixed-window (5-bit) exponentiation whose table is read in full for
//!   every window.
//!
//! ## Constant time
//! Every loop runs over a public range (it depends only on the size and on the public bit bound
//! of the exponent) and every memory index is public. The only value-dependent choices, the final
//! conditional subtraction of the modulus, the correction term of a squaring and the choice of a
//! table entry, are made with masks (passed through [`black_box`] so that the compiler cannot
//! turn them back into branches). Digit products use the double-width integer type (`u128` for
//! 64-bit digits, `u64` for 32-bit ones), which compiles to the processor's widening
//! multiplication (`mul` on x86-64, `umull` on ARMv7-A); there is no division.
//!
//! The exponentiation clears its table and accumulators; the per-operation temporaries are left
//! to one best-effort stack scrub at the end ([`scrub_stack`]).
//!
//! The code is written once for a digit type and instantiated for 64-bit digits (64-bit targets)
//! and 32-bit digits (32-bit targets such as armeabi-v7a); the tests run both on any host.
//!
//! Why one file of about 560 lines: the multiplication, the squaring and the exponentiation share
//! the constant-time discipline above and one digit-type macro, and their tests sit beside them;
//! split apart, each piece would have to repeat the reasoning that makes it safe.

use std::hint::black_box;

use crypto_bigint::U3072;
use zeroize::Zeroize;

/// Bits of the numbers handled here.
const MODULUS_BITS: u32 = 3072;
/// Bytes of the numbers handled here.
const MODULUS_BYTES: usize = 384;
/// Width of a window of [`pow`](native::pow), in bits.
const WINDOW_BITS: u32 = 5;
const WINDOW_SIZE: usize = 1 << WINDOW_BITS;

macro_rules! montgomery_with_digits {
    ($module:ident, $digit:ty, $wide:ty) => {
        pub(crate) mod $module {
            use super::*;

            /// One digit of a number.
            pub(crate) type Digit = $digit;
            /// A product of two digits.
            type Wide = $wide;
            const BITS: u32 = Digit::BITS;
            const DIGIT_BYTES: usize = (BITS / 8) as usize;
            /// Digits of a number, least significant first.
            pub(crate) const DIGITS: usize = (MODULUS_BITS / BITS) as usize;

            /// A number below `2^3072`, least significant digit first.
            pub(crate) type Residue = [Digit; DIGITS];

            /// The modulus and its Montgomery constants.
            pub(crate) struct Modulus {
                n: Residue,
                /// The digits of n in reverse order.
                n_rev: Residue,
                /// `R mod n`: 1 in Montgomery form.
                one: Residue,
                /// `R^2 mod n`.
                r2: Residue,
            }

            impl Modulus {
                /// The constants for `n` of exactly 3072 bits with `n ≡ -1 (mod 2^BITS)` (the
                /// RFC 5054 prime), given `R^2 mod n`.
                pub(crate) fn new(n: &U3072, r2: &U3072) -> Modulus {
                    let n = from_uint(n);
                    assert!(
                        n[DIGITS - 1] >> (BITS - 1) == 1,
                        "the modulus has 3072 bits"
                    );
                    // Montgomery reduction below relies on n ≡ -1 modulo 2^BITS, as for the
                    // RFC 5054 prime (its 64 low bits are ones).
                    assert!(
                        n[0] == Digit::MAX,
                        "the modulus is -1 modulo the digit base"
                    );
                    let mut modulus = Modulus {
                        n,
                        n_rev: reversed(&n),
                        one: [0; DIGITS],
                        r2: from_uint(r2),
                    };
                    let mut unit = [0; DIGITS];
                    unit[0] = 1;
                    modulus.one = mul(&unit, &modulus.r2, &modulus);
                    modulus
                }

                /// 1 in Montgomery form.
                pub(crate) fn one(&self) -> &Residue {
                    &self.one
                }

                /// `x` (any number below `2^3072`) in Montgomery form, fully reduced.
                #[cfg(test)]
                pub(crate) fn to_montgomery(&self, x: &Residue) -> Residue {
                    // x < R and R^2 mod n < n, so the product is below R·n.
                    mul(x, &self.r2, self)
                }

                /// `x` (in Montgomery form) as a plain number below n.
                #[cfg(test)]
                pub(crate) fn retrieve(&self, x: &Residue) -> Residue {
                    let mut unit = [0; DIGITS];
                    unit[0] = 1;
                    mul(x, &unit, self)
                }
            }

            /// A 3072-bit number as digits.
            pub(crate) fn from_uint(x: &U3072) -> Residue {
                let bytes = x.to_le_bytes();
                let mut out = [0; DIGITS];
                for (digit, chunk) in out.iter_mut().zip(bytes.chunks_exact(DIGIT_BYTES)) {
                    let mut raw = [0u8; DIGIT_BYTES];
                    raw.copy_from_slice(chunk);
                    *digit = Digit::from_le_bytes(raw);
                    raw.zeroize();
                }
                let mut bytes = bytes;
                bytes.zeroize();
                out
            }

            /// Digits as a 3072-bit number.
            pub(crate) fn to_uint(x: &Residue) -> U3072 {
                let mut bytes = [0u8; MODULUS_BYTES];
                for (chunk, digit) in bytes.chunks_exact_mut(DIGIT_BYTES).zip(x) {
                    chunk.copy_from_slice(&digit.to_le_bytes());
                }
                let out = U3072::from_le_slice(&bytes);
                bytes.zeroize();
                out
            }

            /// A column accumulator, `lo + hi·2^BITS`: the low and high halves of the digit
            /// products are summed separately, so adding a product never needs a carry out of a
            /// double-width word (this compiles to plain add-with-carry chains).
            #[derive(Clone, Copy)]
            struct Acc {
                lo: Wide,
                hi: Wide,
            }

            impl Acc {
                const ZERO: Acc = Acc { lo: 0, hi: 0 };

                /// Adds `a·b`.
                #[inline(always)]
                fn mac(&mut self, a: Digit, b: Digit) {
                    let product = Wide::from(a) * Wide::from(b);
                    self.lo += Wide::from(product as Digit);
                    self.hi += product >> BITS;
                }

                /// Adds `xs[0]·ys[0] + xs[1]·ys[1] + …` (slices of equal length). Two
                /// accumulators take turns, which shortens the chains of dependent additions.
                #[inline(always)]
                fn dot(&mut self, xs: &[Digit], ys: &[Digit]) {
                    let (xc, yc) = (xs.chunks_exact(2), ys.chunks_exact(2));
                    let (xr, yr) = (xc.remainder(), yc.remainder());
                    let mut odd = Acc::ZERO;
                    for (x, y) in xc.zip(yc) {
                        self.mac(x[0], y[0]);
                        odd.mac(x[1], y[1]);
                    }
                    for (x, y) in xr.iter().zip(yr) {
                        self.mac(*x, *y);
                    }
                    self.lo += odd.lo;
                    self.hi += odd.hi;
                }

                /// Adds one digit.
                #[inline(always)]
                fn add_digit(&mut self, x: Digit) {
                    self.lo += Wide::from(x);
                }

                /// The lowest digit.
                #[inline(always)]
                fn low(&self) -> Digit {
                    self.lo as Digit
                }

                /// Drops the lowest digit (the accumulator moves to the next column).
                #[inline(always)]
                fn shift(&mut self) {
                    self.lo = (self.lo >> BITS) + Wide::from(self.hi as Digit);
                    self.hi >>= BITS;
                }
            }

            /// `x` with its digits in reverse order, so that the pairs `x_i·y_(k-i)` of a column
            /// are two forward slices.
            #[inline(always)]
            fn reversed(x: &Residue) -> Residue {
                let mut out = *x;
                out.reverse();
                out
            }

            /// Montgomery reduction interleaved with a product computed column by column: for
            /// `k = 0, 1, …, 2·DIGITS - 2` the caller adds the products of weight `k` to `acc`,
            /// then calls [`Reducer::low_column`] (`k < DIGITS`) or [`Reducer::high_column`],
            /// then [`Reducer::finish`]. The product must be below `R·n`; the result is then
            /// fully reduced.
            struct Reducer {
                acc: Acc,
                /// The digits of the multiple of n being added.
                q: Residue,
                out: Residue,
            }

            impl Reducer {
                #[inline(always)]
                fn new() -> Reducer {
                    Reducer {
                        acc: Acc::ZERO,
                        q: [0; DIGITS],
                        out: [0; DIGITS],
                    }
                }

                /// Ends column `k < DIGITS`.
                #[inline(always)]
                fn low_column(&mut self, k: usize, m: &Modulus) {
                    // q_i·n_(k-i) for i < k.
                    self.acc
                        .dot(&self.q[..k], &m.n_rev[DIGITS - 1 - k..DIGITS - 1]);
                    // The multiple of n that clears the lowest digit: n_0 = 2^BITS - 1, so
                    // -1/n mod 2^BITS = 1 and q_k is the lowest digit itself, and adding
                    // q_k·n_0 = q_k·2^BITS - q_k clears it and carries q_k into the next.
                    let qk = self.acc.low();
                    self.q[k] = qk;
                    self.acc.shift();
                    self.acc.add_digit(qk);
                }

                /// Ends column `k >= DIGITS`.
                #[inline(always)]
                fn high_column(&mut self, k: usize, m: &Modulus) {
                    let first = k + 1 - DIGITS;
                    self.acc
                        .dot(&self.q[first..], &m.n_rev[..2 * DIGITS - 1 - k]);
                    self.out[k - DIGITS] = self.acc.low();
                    self.acc.shift();
                }

                /// The reduced result.
                #[inline(always)]
                fn finish(mut self, m: &Modulus) -> Residue {
                    self.out[DIGITS - 1] = self.acc.low();
                    self.acc.shift();
                    let top = self.acc.low();
                    subtract_if_not_below(self.out, top, &m.n)
                }
            }

            /// `x + top·R` (below 2n) minus n if it is at least n, chosen with a mask.
            #[inline(always)]
            fn subtract_if_not_below(x: Residue, top: Digit, n: &Residue) -> Residue {
                let mut diff: Residue = [0; DIGITS];
                let mut borrow: Digit = 0;
                for ((d, a), b) in diff.iter_mut().zip(&x).zip(n) {
                    let (t, b1) = a.overflowing_sub(*b);
                    let (t, b2) = t.overflowing_sub(borrow);
                    *d = t;
                    borrow = Digit::from(b1 | b2);
                }
                // x + top·R < n exactly when the subtraction borrowed and top is 0.
                let keep = black_box((borrow & !top & 1).wrapping_neg());
                let mut out: Residue = [0; DIGITS];
                for ((o, a), d) in out.iter_mut().zip(&x).zip(&diff) {
                    *o = (a & keep) | (d & !keep);
                }
                out
            }

            /// `a·b·R^-1 mod n`, fully reduced, for `a·b < R·n` (for instance `a < R`, `b < n`).
            pub(crate) fn mul(a: &Residue, b: &Residue, m: &Modulus) -> Residue {
                // a_i·b_(k-i) = a_i·b_rev[DIGITS - 1 - k + i].
                let b_rev = reversed(b);
                let mut r = Reducer::new();
                for k in 0..DIGITS {
                    r.acc.dot(&a[..=k], &b_rev[DIGITS - 1 - k..]);
                    r.low_column(k, m);
                }
                for k in DIGITS..2 * DIGITS - 1 {
                    let first = k + 1 - DIGITS;
                    r.acc.dot(&a[first..], &b_rev[..2 * DIGITS - 1 - k]);
                    r.high_column(k, m);
                }
                r.finish(m)
            }

            /// `a²·R^-1 mod n`, fully reduced, for `a < n`.
            ///
            /// Each cross product is computed once: `a² = Σ_j a_j·B^j·(a_j·B^j + 2·(a mod B^j))`
            /// (`B = 2^BITS`), and the digits of `2·(a mod B^j)` are those of `2a` below `j` plus
            /// the top bit of `a_(j-1)` at `j`. So column `k` is `Σ_(i<k-i) (2a)_i·a_(k-i)`, plus
            /// `a_j² + top(a_(j-1))·a_j` when `k = 2j`.
            pub(crate) fn sqr(a: &Residue, m: &Modulus) -> Residue {
                let a_rev = reversed(a);
                let mut twice: Residue = [0; DIGITS];
                let mut below: Digit = 0;
                for (t, x) in twice.iter_mut().zip(a) {
                    *t = (x << 1) | below;
                    below = x >> (BITS - 1);
                }
                let mut r = Reducer::new();
                for k in 0..2 * DIGITS - 1 {
                    let first = k.saturating_sub(DIGITS - 1);
                    let end = k.div_ceil(2);
                    if first < end {
                        let offset = DIGITS - 1 + first - k;
                        r.acc
                            .dot(&twice[first..end], &a_rev[offset..offset + (end - first)]);
                    }
                    if k % 2 == 0 {
                        let j = k / 2;
                        r.acc.mac(a[j], a[j]);
                        if j > 0 {
                            let top = a[j - 1] >> (BITS - 1);
                            r.acc.add_digit(a[j] & black_box(top.wrapping_neg()));
                        }
                    }
                    if k < DIGITS {
                        r.low_column(k, m);
                    } else {
                        r.high_column(k, m);
                    }
                }
                r.finish(m)
            }

            /// All ones if `a == b`, else zero, without a branch.
            #[inline(always)]
            fn eq_mask(a: Digit, b: Digit) -> Digit {
                let x = a ^ b;
                let nonzero = (x | x.wrapping_neg()) >> (BITS - 1);
                black_box(nonzero.wrapping_sub(1))
            }

            /// `table[index]`, reading every entry.
            #[inline(always)]
            pub(crate) fn select<const SIZE: usize>(
                table: &[Residue; SIZE],
                index: Digit,
            ) -> Residue {
                let mut out: Residue = [0; DIGITS];
                for (j, entry) in table.iter().enumerate() {
                    let mask = eq_mask(j as Digit, index);
                    for (o, e) in out.iter_mut().zip(entry) {
                        *o |= e & mask;
                    }
                }
                out
            }

            /// The `width` bits of `e` from bit `position` (both public).
            pub(crate) fn window(e: &Residue, position: u32, width: u32) -> Digit {
                let digit = (position / BITS) as usize;
                let shift = position % BITS;
                let mut bits = e[digit] >> shift;
                if shift + width > BITS && digit + 1 < DIGITS {
                    bits |= e[digit + 1] << (BITS - shift);
                }
                bits & (((1 as Digit) << width) - 1)
            }

            /// `base^e` in Montgomery form for `base` in Montgomery form (any value below
            /// `2^3072`) and a secret `e` below `2^bits`. The sequence of operations and memory
            /// accesses depends only on `bits`.
            pub(crate) fn pow(base: &Residue, e: &Residue, bits: u32, m: &Modulus) -> Residue {
                let bits = bits.min(MODULUS_BITS);
                // Any number below R < 2n is reduced by one conditional subtraction.
                let base = subtract_if_not_below(*base, 0, &m.n);
                let mut table: [Residue; WINDOW_SIZE] = [[0; DIGITS]; WINDOW_SIZE];
                table[0] = m.one;
                table[1] = base;
                for i in 2..WINDOW_SIZE {
                    table[i] = if i % 2 == 0 {
                        sqr(&table[i / 2], m)
                    } else {
                        mul(&table[i - 1], &base, m)
                    };
                }
                let windows = bits.div_ceil(WINDOW_BITS).max(1);
                let top = (windows - 1) * WINDOW_BITS;
                let mut acc = select(&table, window(e, top, bits - top.min(bits)));
                for w in (0..windows - 1).rev() {
                    for _ in 0..WINDOW_BITS {
                        acc = sqr(&acc, m);
                    }
                    let mut factor = select(&table, window(e, w * WINDOW_BITS, WINDOW_BITS));
                    acc = mul(&acc, &factor, m);
                    factor.zeroize();
                }
                table.zeroize();
                scrub_stack();
                acc
            }
        }
    };
}

/// Overwrites with zeros the stack below the caller: [`mul`](native::mul) and
/// [`sqr`](native::sqr) do not clear their temporaries (that costs 5 % of their time), so a
/// secret exponentiation calls this once at its end instead. Best effort, as all stack clearing.
#[inline(never)]
pub(crate) fn scrub_stack() {
    let mut area = [0u8; 8 * 1024];
    black_box(&mut area);
}

#[cfg(any(test, target_pointer_width = "64"))]
montgomery_with_digits!(digits64, u64, u128);
#[cfg(any(test, not(target_pointer_width = "64")))]
montgomery_with_digits!(digits32, u32, u64);

#[cfg(not(target_pointer_width = "64"))]
pub(crate) use digits32 as native;
/// The digit size of this target.
#[cfg(target_pointer_width = "64")]
pub(crate) use digits64 as native;

#[cfg(test)]
mod tests {
    use crypto_bigint::modular::{FixedMontyForm, FixedMontyParams};
    use crypto_bigint::{Odd, U3072};
    use proptest::prelude::*;

    use super::{digits32, digits64};

    type Mont = FixedMontyForm<{ U3072::LIMBS }>;
    type Params = FixedMontyParams<{ U3072::LIMBS }>;

    fn params() -> Params {
        let n = crate::srp::group::modulus();
        Params::new_vartime(Odd::new(n).unwrap())
    }

    fn edge_values() -> Vec<U3072> {
        let n = crate::srp::group::modulus();
        vec![
            U3072::ZERO,
            U3072::ONE,
            U3072::from_u64(2),
            n.wrapping_sub(&U3072::ONE),
            n,
            n.wrapping_add(&U3072::ONE),
            U3072::MAX,
            U3072::MAX.shr_vartime(1),
        ]
    }

    fn big(bytes: &[u8]) -> U3072 {
        U3072::from_be_slice(bytes)
    }

    macro_rules! compare_with_crypto_bigint {
        ($name:ident, $digits:ident) => {
            mod $name {
                use super::*;
                use $digits::{from_uint, mul, pow, sqr, to_uint, Modulus};

                fn modulus(params: &Params) -> Modulus {
                    Modulus::new(params.modulus().as_ref(), params.r2())
                }

                /// Checks mul, sqr, conversions and pow on one pair of plain numbers.
                fn check(x: &U3072, y: &U3072, e: &U3072, bits: u32) {
                    let params = params();
                    let m = modulus(&params);
                    let (mx, my) = (Mont::new(x, &params), Mont::new(y, &params));
                    let (dx, dy) = (
                        m.to_montgomery(&from_uint(x)),
                        m.to_montgomery(&from_uint(y)),
                    );
                    assert_eq!(to_uint(&dx), *mx.as_montgomery(), "to_montgomery");
                    assert_eq!(to_uint(&m.retrieve(&dx)), mx.retrieve(), "from");
                    assert_eq!(to_uint(&mul(&dx, &dy, &m)), *mx.mul(&my).as_montgomery());
                    assert_eq!(to_uint(&sqr(&dx, &m)), *mx.square().as_montgomery());
                    let expected = mx.pow_amm_bounded_exp(e, bits);
                    assert_eq!(
                        to_uint(&pow(&dx, &from_uint(e), bits, &m)),
                        *expected.as_montgomery(),
                        "pow bits {bits}"
                    );
                    // A base given as a number not below n (in Montgomery form).
                    let raw = from_uint(x);
                    assert_eq!(
                        to_uint(&m.retrieve(&pow(&raw, &from_uint(e), bits, &m))),
                        Mont::from_montgomery(x.rem_vartime(params.modulus().as_nz_ref()), &params)
                            .pow_amm_bounded_exp(e, bits)
                            .retrieve(),
                        "pow of unreduced base, bits {bits}"
                    );
                }

                #[test]
                fn constants() {
                    let params = params();
                    let m = modulus(&params);
                    assert_eq!(to_uint(m.one()), *params.one());
                    let n = crate::srp::group::modulus();
                    assert_eq!(to_uint(&from_uint(&n)), n);
                }

                #[test]
                fn edge_cases() {
                    let values = edge_values();
                    for x in &values {
                        for y in &values {
                            for bits in [0, 1, 5, 6, 256] {
                                check(x, y, y, bits);
                            }
                        }
                    }
                    let n = crate::srp::group::modulus();
                    let n_minus_1 = n.wrapping_sub(&U3072::ONE);
                    for e in [U3072::MAX, n_minus_1, U3072::ONE] {
                        check(&U3072::from_u64(2), &n_minus_1, &e, 3072);
                        check(&n_minus_1, &U3072::MAX, &e, 513);
                    }
                }

                proptest! {
                    #![proptest_config(ProptestConfig::with_cases(64))]

                    #[test]
                    fn matches_crypto_bigint(
                        x in proptest::collection::vec(any::<u8>(), 384),
                        y in proptest::collection::vec(any::<u8>(), 384),
                        e in proptest::collection::vec(any::<u8>(), 384),
                        bits in prop_oneof![Just(256u32), Just(513u32), 0u32..=3072],
                    ) {
                        let e = big(&e);
                        let bound = if bits == 0 {
                            U3072::ZERO
                        } else {
                            U3072::MAX.shr_vartime(3072 - bits)
                        };
                        check(&big(&x), &big(&y), &e.bitand(&bound), bits);
                    }
                }
            }
        };
    }

    compare_with_crypto_bigint!(with_64_bit_digits, digits64);
    compare_with_crypto_bigint!(with_32_bit_digits, digits32);
}
