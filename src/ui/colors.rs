//! Colouring rules of the packet list (Wireshark's defaults, by meaning) and their legend.
//!
//! The first rule that matches wins, like Wireshark's coloring rules, so analysis problems
//! stand out even on SYN or RST packets.

use egui::Color32;

use crate::analysis::Flag;
use crate::decode::{Net, Packet, TcpFlags, Transport};

use super::store::RowAnalysis;

/// One colouring rule: name, the Wireshark filter it corresponds to, and its colours.
#[derive(Debug, Clone, Copy)]
pub struct ColorRule {
    /// Name in the legend.
    pub name: &'static str,
    /// The equivalent display filter (shown in the legend, usable in the filter bar).
    pub filter: &'static str,
    /// Row background.
    pub bg: Color32,
    /// Row text.
    pub fg: Color32,
}

/// The rules, in matching order.
pub const RULES: [ColorRule; 9] = [
    ColorRule {
        name: "Malformed / truncated",
        filter: "(decoder marks)",
        bg: Color32::from_rgb(0xff, 0x5c, 0x5c),
        fg: Color32::BLACK,
    },
    ColorRule {
        name: "Bad TCP (analysis problem)",
        filter: "tcp.analysis.flags && !tcp.analysis.window_update && !tcp.analysis.keep_alive && !tcp.analysis.keep_alive_ack",
        bg: Color32::from_rgb(0x12, 0x12, 0x12),
        fg: Color32::from_rgb(0xf7, 0x87, 0x87),
    },
    ColorRule {
        name: "TCP RST",
        filter: "tcp.flags.rst == 1",
        bg: Color32::from_rgb(0xa4, 0x00, 0x00),
        fg: Color32::from_rgb(0xff, 0xfc, 0x9c),
    },
    ColorRule {
        name: "TCP SYN / FIN",
        filter: "tcp.flags.syn == 1 || tcp.flags.fin == 1",
        bg: Color32::from_rgb(0xa0, 0xa0, 0xa0),
        fg: Color32::BLACK,
    },
    ColorRule {
        name: "TCP window / keep-alive",
        filter: "tcp.analysis.window_update || tcp.analysis.keep_alive",
        bg: Color32::from_rgb(0xd0, 0xd0, 0xd0),
        fg: Color32::BLACK,
    },
    ColorRule {
        name: "TCP",
        filter: "tcp",
        bg: Color32::from_rgb(0xe7, 0xe6, 0xff),
        fg: Color32::BLACK,
    },
    ColorRule {
        name: "UDP",
        filter: "udp",
        bg: Color32::from_rgb(0xda, 0xee, 0xff),
        fg: Color32::BLACK,
    },
    ColorRule {
        name: "ICMP",
        filter: "icmp || icmpv6",
        bg: Color32::from_rgb(0xfc, 0xe0, 0xff),
        fg: Color32::BLACK,
    },
    ColorRule {
        name: "ARP",
        filter: "arp",
        bg: Color32::from_rgb(0xfa, 0xf0, 0xd7),
        fg: Color32::BLACK,
    },
];

const MALFORMED: usize = 0;
const BAD_TCP: usize = 1;
const RST: usize = 2;
const SYN_FIN: usize = 3;
const WINDOW: usize = 4;
const TCP: usize = 5;
const UDP: usize = 6;
const ICMP: usize = 7;
const ARP: usize = 8;

/// The rule a packet matches, if any (other traffic keeps the default colours).
pub fn rule_for(packet: &Packet, analysis: &RowAnalysis) -> Option<&'static ColorRule> {
    let idx = if packet.malformed.is_some() || packet.truncated {
        MALFORMED
    } else if let Transport::Tcp(t) = &packet.transport {
        let flags = analysis.tcp.map(|a| a.flags).unwrap_or_default();
        let benign = [Flag::WindowUpdate, Flag::KeepAlive, Flag::KeepAliveAck];
        let problem = Flag::ALL
            .iter()
            .any(|f| flags.has(*f) && !benign.contains(f));
        if problem {
            BAD_TCP
        } else if t.flags.has(TcpFlags::RST) {
            RST
        } else if t.flags.has(TcpFlags::SYN) || t.flags.has(TcpFlags::FIN) {
            SYN_FIN
        } else if benign.iter().any(|f| flags.has(*f)) {
            WINDOW
        } else {
            TCP
        }
    } else {
        match (&packet.net, &packet.transport) {
            (_, Transport::Udp(_)) => UDP,
            (_, Transport::Icmp(_) | Transport::Icmpv6(_)) => ICMP,
            (Net::Arp(_), _) => ARP,
            _ => return None,
        }
    };
    RULES.get(idx)
}

/// Draws the legend: a swatch per rule with its name and filter.
pub fn legend_ui(ui: &mut egui::Ui) {
    egui::Grid::new("color_legend")
        .num_columns(2)
        .spacing([8.0, 4.0])
        .show(ui, |ui| {
            for r in RULES {
                let text = egui::RichText::new(format!(" {} ", r.name))
                    .color(r.fg)
                    .background_color(r.bg);
                ui.label(text);
                ui.label(egui::RichText::new(r.filter).monospace().small());
                ui.end_row();
            }
        });
}
