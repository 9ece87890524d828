//! Usage errors: what the command line asked for cannot be done (a bad display filter, an
//! unknown framing, options that exclude each other). They exit with [`EXIT_USAGE`], as
//! clap's own errors do, so scripts can tell them from input that could not be read.

use std::fmt;

/// Exit status of a usage error (clap's convention).
pub const EXIT_USAGE: u8 = 2;

/// An error in the command line itself.
#[derive(Debug)]
struct UsageError(String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// A usage error saying `message`.
pub(super) fn usage(message: impl fmt::Display) -> anyhow::Error {
    anyhow::Error::new(UsageError(message.to_string()))
}

/// Returns a usage error saying `message` from the current function.
macro_rules! usage_bail {
    ($($arg:tt)*) => {
        return Err($crate::cli::usage::usage(format_args!($($arg)*)))
    };
}
pub(super) use usage_bail;

/// The exit status for an error that ended a subcommand: [`EXIT_USAGE`] for a usage error,
/// 1 for everything else (input that could not be read, a failed write).
pub(super) fn exit_status(e: &anyhow::Error) -> u8 {
    if e.chain().any(|cause| cause.is::<UsageError>()) {
        EXIT_USAGE
    } else {
        1
    }
}

/// The error's text for the user, in this thread's language: each cause after the first,
/// unless the text before it already says it (a `CaptureError` names its OS error, which is
/// also its source: printed once, not twice).
pub(super) fn error_text(e: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in e.chain() {
        let part = cause_text(cause);
        if text.is_empty() {
            text = part;
        } else if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
    }
    text
}

/// One cause in this thread's language: the capture reader's and the OS's errors from the
/// catalogue, a fixed sentence the catalogue knows (`lib-*`, e.g. "writing output")
/// translated, anything else as it is.
fn cause_text(cause: &(dyn std::error::Error + 'static)) -> String {
    if let Some(e) = cause.downcast_ref::<crate::capture::CaptureError>() {
        return e.text();
    }
    if let Some(e) = cause.downcast_ref::<std::io::Error>() {
        return crate::i18n::io_error_text(e);
    }
    crate::i18n::library_text(&cause.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context as _;

    #[test]
    fn usage_errors_exit_2_even_with_context_and_others_1() {
        assert_eq!(exit_status(&usage("bad filter")), EXIT_USAGE);
        let wrapped = Err::<(), _>(usage("bad framing"))
            .context("stream")
            .unwrap_err();
        assert_eq!(exit_status(&wrapped), EXIT_USAGE);
        assert_eq!(format!("{wrapped:#}"), "stream: bad framing");
        let io = anyhow::Error::new(std::io::Error::other("disk"));
        assert_eq!(exit_status(&io), 1);
    }

    #[test]
    fn an_os_error_named_by_its_error_is_printed_once() {
        let open = crate::capture::FileReader::open("/nonexistent/x.pcap")
            .map(|_| ())
            .unwrap_err();
        let e = anyhow::Error::new(open);
        assert_eq!(
            error_text(&e),
            "/nonexistent/x.pcap: cannot read: No such file or directory (os error 2)"
        );
        let e = e.context("flows");
        assert_eq!(
            error_text(&e),
            "flows: /nonexistent/x.pcap: cannot read: No such file or directory (os error 2)"
        );
        // In Chinese the reader's and the OS's words are translated, and still said once.
        crate::i18n::set_thread_lang(Some(crate::i18n::Lang::Zh));
        let text = error_text(&e.context("writing output"));
        crate::i18n::set_thread_lang(None);
        assert_eq!(
            text,
            "写输出时: flows: /nonexistent/x.pcap：无法读取：没有那个文件或目录（系统错误 2）"
        );
    }
}
