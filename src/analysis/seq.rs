//! Sequence-number arithmetic on the 32-bit circle (RFC 1982 serial numbers).
//!
//! TCP sequence numbers wrap at 2^32, so `a < b` must be read as "a comes before b within half
//! the circle". Every comparison in the analysis goes through these helpers, exactly like
//! Wireshark's `LT_SEQ`/`GT_SEQ` macros, so a connection crossing 2^32 is analysed unchanged.

/// `a` comes strictly before `b`.
#[inline]
pub fn lt(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) < 0
}

/// `a` comes before or equals `b`.
#[inline]
pub fn le(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) <= 0
}

/// `a` comes strictly after `b`.
#[inline]
pub fn gt(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) > 0
}

/// `a` comes after or equals `b`.
#[inline]
pub fn ge(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) >= 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_order() {
        assert!(lt(1, 2) && le(1, 2) && le(2, 2) && !lt(2, 2));
        assert!(gt(3, 2) && ge(3, 2) && ge(3, 3) && !gt(3, 3));
    }

    #[test]
    fn order_across_wrap() {
        // 0xffff_fff0 is 0x20 before 0x10 on the circle.
        assert!(lt(0xffff_fff0, 0x10));
        assert!(gt(0x10, 0xffff_fff0));
        assert!(!lt(0x10, 0xffff_fff0));
        assert!(le(u32::MAX, 0));
    }
}
