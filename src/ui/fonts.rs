//! CJK text in the window: egui's built-in fonts have no Chinese, Japanese or Korean glyphs and
//! egui never reads the system's fonts, so file names, payload text and the Chinese interface
//! would be empty boxes. [`install`] finds a CJK font among the fonts fontconfig knows
//! (through `fontdb`, which reads fontconfig's configuration) and adds it as a fallback after
//! egui's own fonts, for both the proportional and the monospace family.
//!
//! `./dev` installs `fonts-wqy-microhei` on Debian; without any CJK font the window says once
//! how to install one ([`install`] returns false).

use std::sync::{Arc, OnceLock};

/// Families tried first, best first: they cover Simplified Chinese well.
const PREFERRED: &[&str] = &[
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Sarasa Gothic SC",
    "Droid Sans Fallback",
    "AR PL UMing CN",
    "AR PL UKai CN",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
];

/// A font file's bytes and the face's index in it (font collections hold several).
#[derive(Clone)]
pub struct FoundFont {
    /// The family name the face was found under.
    pub family: String,
    /// Where it was read from.
    pub path: Option<std::path::PathBuf>,
    /// The file's bytes.
    pub bytes: Arc<Vec<u8>>,
    /// The face's index in the file.
    pub index: u32,
}

/// The system's best CJK font, searched once per process (scanning the font folders takes a
/// moment; every window and test reuses the answer).
pub fn system_cjk_font() -> Option<&'static FoundFont> {
    static FOUND: OnceLock<Option<FoundFont>> = OnceLock::new();
    FOUND.get_or_init(find_cjk_font).as_ref()
}

fn find_cjk_font() -> Option<FoundFont> {
    let mut db = fontdb::Database::new();
    db.load_system_fonts();
    let face_of = |family: &str| {
        db.faces().find(|f| {
            f.families
                .iter()
                .any(|(name, _)| name.eq_ignore_ascii_case(family))
                && f.style == fontdb::Style::Normal
        })
    };
    let face = PREFERRED
        .iter()
        .find_map(|family| face_of(family))
        // Any other face that says it is CJK (e.g. a newer Noto release under another name).
        .or_else(|| {
            db.faces().find(|f| {
                f.families.iter().any(|(name, _)| {
                    let n = name.to_ascii_lowercase();
                    n.contains("cjk") || n.contains("wenquanyi")
                })
            })
        })?;
    let family = face.families.first().map(|(n, _)| n.clone())?;
    let path = match &face.source {
        fontdb::Source::File(p) | fontdb::Source::SharedFile(p, _) => Some(p.clone()),
        fontdb::Source::Binary(_) => None,
    };
    let (bytes, index) = db.with_face_data(face.id, |data, index| (data.to_vec(), index))?;
    Some(FoundFont {
        family,
        path,
        bytes: Arc::new(bytes),
        index,
    })
}

/// Adds the system's CJK font to `ctx`'s fonts as a fallback of every family. Returns false
/// when the system has none (the caller tells the user how to install one).
pub fn install(ctx: &egui::Context) -> bool {
    let Some(found) = system_cjk_font() else {
        return false;
    };
    let mut fonts = egui::FontDefinitions::default();
    let blob: Arc<dyn AsRef<[u8]> + Send + Sync> = found.bytes.clone();
    let data = egui::FontData::from_blob(blob, found.index);
    fonts.font_data.insert("system-cjk".into(), Arc::new(data));
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        fonts
            .families
            .entry(family)
            .or_default()
            .push("system-cjk".into());
    }
    ctx.set_fonts(fonts);
    true
}

/// [`install`] unless `ctx` already has the font (a flag in its memory): cheap to call on
/// every frame. Returns whether the system has a CJK font.
pub fn install_once(ctx: &egui::Context) -> bool {
    let id = egui::Id::unique("synack-system-cjk-font");
    if let Some(done) = ctx.data(|d| d.get_temp::<bool>(id)) {
        return done;
    }
    let done = install(ctx);
    ctx.data_mut(|d| d.insert_temp(id, done));
    done
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draws(ctx: &egui::Context, text: &str) -> bool {
        let mut out = ctx.run_ui(egui::RawInput::default(), |_| {});
        out.textures_delta.clear();
        ctx.fonts_mut(|f| f.has_glyphs(&egui::FontId::proportional(14.0), text))
    }

    #[test]
    fn the_system_cjk_font_gives_egui_the_course_terms() {
        let terms = "三次握手四次挥手粘包半关闭快速重传零窗口您好，这里是服务端";
        let plain = egui::Context::default();
        assert!(!draws(&plain, terms), "egui's own fonts have no CJK glyphs");
        let Some(found) = system_cjk_font() else {
            println!("skipped: no CJK font on this machine (./dev installs fonts-wqy-microhei)");
            return;
        };
        let ctx = egui::Context::default();
        assert!(install(&ctx));
        assert!(
            draws(&ctx, terms),
            "{} ({:?}) lacks CJK glyphs",
            found.family,
            found.path
        );
        // Latin text still comes from egui's own font first.
        assert!(draws(&ctx, "SYN_SENT"));
    }
}
