//! BPF filters (tcpdump's syntax) applied to frames read from a file: libpcap compiles the
//! filter for each link type the file has (`pcap_open_dead` + `pcap_compile`), then runs it
//! on each frame's bytes (`pcap_offline_filter`), exactly as `tcpdump -r FILE FILTER` does.

use std::collections::HashMap;

use super::{Frame, LinkType};

/// A BPF filter compiled on demand for each link type.
pub struct OfflineBpf {
    text: String,
    /// One program per link type; `None` when the filter does not apply to that link type
    /// (e.g. `ether host ...` on raw IP): its frames never match.
    programs: HashMap<LinkType, Option<pcap::BpfProgram>>,
    /// Link types the filter could not be compiled for, with libpcap's reason.
    refused: Vec<(LinkType, String)>,
}

impl std::fmt::Debug for OfflineBpf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OfflineBpf")
            .field("text", &self.text)
            .finish()
    }
}

/// Compiles `text` for frames of `link`.
fn compile(text: &str, link: LinkType) -> Result<pcap::BpfProgram, String> {
    let dead =
        pcap::Capture::dead(pcap::Linktype(link.number() as i32)).map_err(|e| e.to_string())?;
    dead.compile(text, true).map_err(|e| e.to_string())
}

impl OfflineBpf {
    /// Checks the filter's syntax (compiled for Ethernet, where every BPF primitive
    /// exists) and prepares it; the error is libpcap's message.
    pub fn new(text: &str) -> Result<OfflineBpf, String> {
        let ethernet = compile(text, LinkType::Ethernet)?;
        let mut programs = HashMap::new();
        programs.insert(LinkType::Ethernet, Some(ethernet));
        Ok(OfflineBpf {
            text: text.to_string(),
            programs,
            refused: Vec::new(),
        })
    }

    /// The filter's text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// True when the frame passes the filter.
    pub fn matches(&mut self, frame: &Frame<'_>) -> bool {
        let text = &self.text;
        let refused = &mut self.refused;
        let program = self.programs.entry(frame.link).or_insert_with(|| {
            compile(text, frame.link)
                .map_err(|e| refused.push((frame.link, e)))
                .ok()
        });
        program.as_ref().is_some_and(|p| p.filter(frame.data))
    }

    /// Link types of the file the filter does not apply to, with libpcap's reason (their
    /// frames were left out).
    pub fn refused(&self) -> &[(LinkType, String)] {
        &self.refused
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::FrameSource as _;

    #[test]
    fn a_bpf_filter_selects_frames_as_tcpdump_does() {
        let mut bpf = OfflineBpf::new("tcp[tcpflags] & tcp-syn != 0").expect("valid BPF");
        let mut reader = crate::capture::demo::reader().expect("demo");
        let (mut passed, mut syns) = (0, 0);
        while let Ok(Some(f)) = reader.next_frame() {
            let syn = crate::decode::decode(&f)
                .tcp()
                .is_some_and(|t| t.flags.has(crate::decode::TcpFlags::SYN));
            syns += u32::from(syn);
            let pass = bpf.matches(&f);
            passed += u32::from(pass);
            assert_eq!(pass, syn, "frame {}", f.number);
        }
        assert!(syns > 0 && passed == syns);
        let e = OfflineBpf::new("tcp port eighty").unwrap_err();
        assert!(e.contains("eighty"), "{e}");
    }
}
