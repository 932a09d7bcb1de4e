//! The simulator's only source of randomness: a seeded SplitMix64 generator.
//!
//! Owns uids (UUID v4 text), random name suffixes (apimachinery
//! `util/rand.String`, alphabet `bcdfghjklmnpqrstvwxz2456789`), event-name hex
//! and jitter. Same seed, same sequence, on every platform.

/// The alphabet of apimachinery's `rand.String` / `SafeEncodeString`.
pub const SAFE_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// A SplitMix64 pseudo-random generator (Steele, Lea, Flood 2014).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator started from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (0 when `bound` is 0).
    pub fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 {
            0
        } else {
            self.next_u64() % bound
        }
    }

    /// A UUID v4 in its canonical lowercase text form.
    pub fn uuid(&mut self) -> String {
        let hi = self.next_u64();
        let lo = self.next_u64();
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&hi.to_be_bytes());
        bytes[8..].copy_from_slice(&lo.to_be_bytes());
        crate::hash::uuid_v4(bytes)
    }

    /// `n` characters from [`SAFE_ALPHABET`] (generateName suffixes, volume names).
    pub fn suffix(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| SAFE_ALPHABET[self.below(SAFE_ALPHABET.len() as u64) as usize] as char)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        assert_eq!(a.uuid(), b.uuid());
        assert_eq!(a.suffix(5), b.suffix(5));
        assert_ne!(Rng::new(1).next_u64(), Rng::new(2).next_u64());
    }

    #[test]
    fn uuid_has_version_4_layout() {
        let id = Rng::new(3).uuid();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"));
        assert_eq!(id.matches('-').count(), 4);
    }

    #[test]
    fn suffix_uses_the_safe_alphabet() {
        let s = Rng::new(11).suffix(50);
        assert!(s.bytes().all(|c| SAFE_ALPHABET.contains(&c)));
    }
}
