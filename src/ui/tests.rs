//! Unit tests of the view helpers that do not need a window.

use super::columns::absolute_time;
use super::details::options_with_ranges;
use crate::capture::Timestamp;
use crate::decode::TcpOption;

#[test]
fn absolute_time_is_utc_calendar_time() {
    // `date -u -d @1700000000.123456` → Tue Nov 14 22:13:20 UTC 2023.
    let ts = Timestamp::from_parts(1_700_000_000, 123_456_789);
    assert_eq!(absolute_time(ts), "2023-11-14 22:13:20.123456");
    // Leap day and the epoch.
    assert_eq!(
        absolute_time(Timestamp::from_parts(951_782_400, 0)),
        "2000-02-29 00:00:00.000000"
    );
    assert_eq!(
        absolute_time(Timestamp::from_parts(0, 0)),
        "1970-01-01 00:00:00.000000"
    );
}

#[test]
fn tcp_options_get_their_byte_ranges() {
    // 10 bytes of padding before the options, then MSS, NOP, WS, SACK_PERM, TS, EOL.
    let mut frame = vec![0xee; 10];
    frame.extend_from_slice(&[2, 4, 5, 0xb4]); // 10..14
    frame.push(1); // 14..15
    frame.extend_from_slice(&[3, 3, 7]); // 15..18
    frame.extend_from_slice(&[4, 2]); // 18..20
    frame.extend_from_slice(&[8, 10, 0, 0, 0, 1, 0, 0, 0, 2]); // 20..30
    frame.extend_from_slice(&[0, 0]); // 30..32 EOL + padding
    let got = options_with_ranges(&frame, 10, 22, false);
    let ranges: Vec<_> = got.iter().map(|(_, r)| r.clone()).collect();
    assert_eq!(ranges, vec![10..14, 14..15, 15..18, 18..20, 20..30, 30..32]);
    assert_eq!(got[0].0, TcpOption::Mss(1460));
    assert_eq!(got[2].0, TcpOption::WindowScale(7));
    assert_eq!(got[5].0, TcpOption::EndOfList);
}

#[test]
fn tcp_options_with_a_bad_length_stop_inside_the_header() {
    // Kind 5 with length 1 is malformed: one range to the end, nothing past the options.
    let frame = [2, 4, 5, 0xb4, 5, 1, 9, 9];
    let got = options_with_ranges(&frame, 0, 8, false);
    assert_eq!(got.last().map(|(_, r)| r.clone()), Some(4..8));
    assert!(got.iter().all(|(_, r)| r.end <= 8));
    // Options claimed past the captured bytes are clipped to them.
    let got = options_with_ranges(&frame, 4, 40, true);
    assert!(got.iter().all(|(_, r)| r.end <= frame.len()));
}
