//! Reproducible variety without a dependency: the same seed gives the same demo.

/// A tiny linear congruential generator: the fixed records' names, companies and
/// conversations (kept as they were, so ids and names stay what tests expect).
pub(super) struct Lcg(pub(super) u64);

impl Lcg {
    pub(super) fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// SplitMix64: 64 well-mixed bits a step, for the story's timing and for ids that
/// must look like the backends' random ones (share tokens, view sessions).
pub(super) struct Rng(u64);

impl Rng {
    pub(super) fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub(super) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    pub(super) fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }

    /// True `pct` times in a hundred.
    pub(super) fn chance(&mut self, pct: u64) -> bool {
        self.next_u64() % 100 < pct
    }

    pub(super) fn pick<'a, T>(&mut self, list: &'a [T]) -> &'a T {
        &list[(self.next_u64() % list.len() as u64) as usize]
    }

    /// 128 random bits as 32 lower-case hex digits: a public id as the backends make
    /// them ([`crate::ids::hex`] of 16 random bytes).
    pub(super) fn token(&mut self) -> String {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.next_u64().to_le_bytes());
        bytes[8..].copy_from_slice(&self.next_u64().to_le_bytes());
        crate::ids::hex(&bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::Rng;

    #[test]
    fn tokens_are_public_ids_and_the_sequence_repeats() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        let token = a.token();
        assert_eq!(token.len(), 32);
        assert_eq!(crate::ids::parse_public_id(&token), Ok(token.as_str()));
        assert_eq!(token, b.token());
        assert_ne!(a.token(), token);
        assert!((3..=5).contains(&a.between(3, 5)));
    }
}
