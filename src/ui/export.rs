//! Exports: frames to a pcap file (all, the filtered rows, one connection), and text for the
//! clipboard (a packet summary).

use crate::i18n::tr;
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use crate::capture::writer::{PcapFormat, PcapWriter};
use crate::capture::LinkType;

use super::columns;
use super::store::StoreData;

/// Which packets to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportScope {
    /// Every stored packet.
    All,
    /// The rows the display filter shows.
    Filtered,
    /// The selected connection's packets.
    Connection,
}

impl ExportScope {
    /// Menu label.
    pub fn label(self) -> String {
        tr!(match self {
            ExportScope::All => "export-all",
            ExportScope::Filtered => "export-filtered",
            ExportScope::Connection => "export-connection",
        })
    }
}

/// Writes the frames at `indices` to a nanosecond pcap file. Frames whose link type differs
/// from the first one are skipped (a pcap file has one link type) and counted.
pub fn write_pcap(
    path: &Path,
    data: &StoreData,
    indices: impl Iterator<Item = usize>,
) -> anyhow::Result<(u64, u64)> {
    let file = File::create(path)
        .map_err(|e| anyhow::anyhow!("{}: cannot create: {e}", path.display()))?;
    let link = data.link.unwrap_or(LinkType::from_number(1));
    let mut w = PcapWriter::new(
        BufWriter::new(file),
        PcapFormat {
            link,
            snaplen: 262_144,
            nanos: true,
        },
    );
    let (mut written, mut skipped) = (0u64, 0u64);
    for i in indices {
        let Some(owned) = data.frame(i) else {
            continue;
        };
        let frame = owned.as_frame();
        if frame.link != link {
            skipped += 1;
            continue;
        }
        w.write_frame(&frame)
            .map_err(|e| anyhow::anyhow!("{}: write failed: {e}", path.display()))?;
        written += 1;
    }
    w.flush()
        .map_err(|e| anyhow::anyhow!("{}: write failed: {e}", path.display()))?;
    Ok((written, skipped))
}

/// One packet as a text line, like the packet list shows it (for the clipboard).
pub fn packet_summary(data: &StoreData, index: usize) -> Option<String> {
    let (owned, packet) = data.packet(index)?;
    let frame = owned.as_frame();
    let a = data.analysis(index);
    let (src, dst) = packet.address_columns();
    let time = match (frame.ts, data.first_ts) {
        (Some(t), Some(t0)) => columns::seconds_between(t0, t),
        _ => "-".into(),
    };
    Some(format!(
        "{}\t{}\t{}\t{}\t{}\t{}\t{}",
        frame.number,
        time,
        src,
        dst,
        packet.protocol_column(),
        frame.len,
        columns::info(&frame, &packet, &a, data.rich(index).as_ref())
    ))
}
