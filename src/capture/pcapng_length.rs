//! A pcapng block whose length fields lie, said as tshark says it ("total block length
//! 4294967280 is too large"). pcap-parser only reports that it needs more bytes (which would
//! read as a file cut short) or a parser error kind; the reader asks here first, at the
//! bytes where the failed block starts.

/// The largest block tshark accepts (wiretap's `MAX_BLOCK_SIZE`): a larger total block length
/// is a lie, not a block cut short.
pub(super) const MAX_BLOCK_LENGTH: u32 = 134_348_832;

/// Type of a section header block (the same in either byte order).
const SHB: u32 = 0x0A0D_0D0A;

/// What is wrong with the lengths of the pcapng block at the start of `rest`, or `None` when
/// they may be true (the block is then cut short or invalid inside). `big_endian` is the
/// current section's byte order (a section header block carries its own).
pub(super) fn block_length_problem(rest: &[u8], big_endian: bool) -> Option<String> {
    let word = |at: usize, big: bool| -> Option<u32> {
        let b: [u8; 4] = rest.get(at..at + 4)?.try_into().ok()?;
        Some(if big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    };
    let raw_type = word(0, false)?;
    let big = if raw_type == SHB {
        // The byte-order magic 0x1A2B3C4D follows the length.
        match rest.get(8..12)? {
            [0x1A, 0x2B, 0x3C, 0x4D] => true,
            [0x4D, 0x3C, 0x2B, 0x1A] => false,
            _ => return None,
        }
    } else {
        big_endian
    };
    let block_type = word(0, big)?;
    let length = word(4, big)?;
    let (name, minimum) = kind(block_type);
    if length > MAX_BLOCK_LENGTH {
        return Some(format!(
            "total block length {length} is too large (> {MAX_BLOCK_LENGTH})"
        ));
    }
    if length < minimum && minimum == 12 {
        return Some(format!("total block length {length} is too small (< 12)"));
    }
    if length < minimum {
        return Some(format!(
            "total block length {length} of {name} is less than the minimum {} size {minimum}",
            name.trim_start_matches("an ").trim_start_matches("a ")
        ));
    }
    if block_type == 6 {
        // An EPB's captured length must fit in its block.
        let caplen = word(20, big)?;
        if u64::from(caplen) + 32 > u64::from(length) {
            return Some(format!(
                "total block length {length} of an EPB is too small for {caplen} bytes of packet data"
            ));
        }
    }
    let trailer = word(length as usize - 4, big)?;
    (trailer != length)
        .then(|| format!("total block lengths (first {length} and second {trailer}) don't match"))
}

/// The block's name in messages and its smallest total length.
fn kind(block_type: u32) -> (&'static str, u32) {
    match block_type {
        SHB => ("an SHB", 28),
        1 => ("an IDB", 20),
        3 => ("an SPB", 16),
        5 => ("an ISB", 24),
        6 => ("an EPB", 32),
        _ => ("a block", 12),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(block_type: u32, body: &[u8], length: u32, trailer: u32) -> Vec<u8> {
        let mut v = block_type.to_le_bytes().to_vec();
        v.extend_from_slice(&length.to_le_bytes());
        v.extend_from_slice(body);
        v.extend_from_slice(&trailer.to_le_bytes());
        v
    }

    fn epb_body(caplen: u32) -> Vec<u8> {
        let mut b = Vec::new();
        for w in [0u32, 0, 1, caplen, caplen] {
            b.extend_from_slice(&w.to_le_bytes());
        }
        b.extend_from_slice(&vec![0; caplen as usize]);
        b
    }

    #[test]
    fn lying_lengths_are_named_as_tshark_names_them() {
        let body = epb_body(60);
        let good = block(6, &body, 92, 92);
        assert_eq!(block_length_problem(&good, false), None);
        for (lying, said) in [
            (
                block(6, &body, 0xFFFF_FFF0, 92),
                "total block length 4294967280 is too large (> 134348832)",
            ),
            (
                block(6, &body, 8, 92),
                "total block length 8 of an EPB is less than the minimum EPB size 32",
            ),
            (
                block(9, &body, 8, 92),
                "total block length 8 is too small (< 12)",
            ),
            (
                block(6, &body, 28, 92),
                "total block length 28 of an EPB is less than the minimum EPB size 32",
            ),
            (
                block(6, &body, 92, 100),
                "total block lengths (first 92 and second 100) don't match",
            ),
            (
                block(6, &epb_body(100)[..80], 92, 92),
                "total block length 92 of an EPB is too small for 100 bytes of packet data",
            ),
        ] {
            assert_eq!(block_length_problem(&lying, false).as_deref(), Some(said));
        }
        // A plausible length past the bytes there: cut short, not a lie.
        assert_eq!(block_length_problem(&good[..50], false), None);
        assert_eq!(block_length_problem(&block(6, &body, 200, 92), false), None);
        // Big-endian sections, and a section header block's own byte order.
        let mut be = 6u32.to_be_bytes().to_vec();
        be.extend_from_slice(&0xFFFF_FFF0u32.to_be_bytes());
        assert!(block_length_problem(&be, true).is_some_and(|p| p.contains("4294967280")));
        let mut shb = SHB.to_be_bytes().to_vec();
        shb.extend_from_slice(&0x7FFF_FFF0u32.to_be_bytes());
        shb.extend_from_slice(&[0x1A, 0x2B, 0x3C, 0x4D]);
        assert!(block_length_problem(&shb, false).is_some_and(|p| p.contains("2147483632")));
    }
}
