//! The capture a subcommand reads, taken as tshark and tcpdump users type it: `FILE...` or
//! `-r FILE`, `-` for standard input, directories of captures. One struct for every
//! subcommand that reads a capture (`read`, `flows`, `stream`), so each option means the same
//! everywhere. Several inputs are one capture, merged in time order like mergecap.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::calls::CallTrace;
use crate::capture::{CaptureError, CaptureInput, RereadableCapture};

/// The generator's calls trace for a capture: `--calls FILE` (which must be readable), else
/// `CAPTURE.calls.json` beside the capture when it is one file and the trace exists (an
/// unreadable one is reported and ignored: messages are then framed from the bytes alone).
/// `read`, `flows` and `stream` all find it this way, so they tell the same story of a
/// lesson capture.
pub(super) fn calls_trace(
    input: &InputArgs,
    explicit: Option<&Path>,
) -> anyhow::Result<Option<(PathBuf, CallTrace)>> {
    if let Some(p) = explicit {
        return Ok(Some((p.to_path_buf(), crate::calls::read_file(p)?)));
    }
    let Some(capture) = input.single() else {
        return Ok(None);
    };
    match crate::calls::read_beside(&capture) {
        Ok(t) => Ok(t.map(|t| (crate::calls::calls_path(&capture), t))),
        Err(e) => {
            note!("synack: {e} (ignored: messages are framed from the bytes alone)");
            Ok(None)
        }
    }
}

/// Where the capture comes from.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Capture files (pcap or pcapng, any byte order, µs or ns timestamps, gzip-compressed or
    /// not) or directories of them; `-` (or /dev/stdin, a pipe, a FIFO) reads standard
    /// input. Several are read as one capture, merged in time order like mergecap (a ring
    /// buffer's files: `synack flows captures/ring/`), so a connection that spans files is
    /// one connection.
    #[arg(value_name = "FILE", required_unless_present = "read_file")]
    pub files: Vec<PathBuf>,
    /// A capture file, as tshark -r and tcpdump -r take it: read first, before any FILE.
    #[arg(short = 'r', long = "read-file", value_name = "FILE")]
    pub read_file: Option<PathBuf>,
    /// No name resolution: accepted for tcpdump's and tshark's -n; synack never resolves
    /// addresses or ports to names.
    #[arg(short = 'n')]
    pub no_resolve: bool,
}

impl InputArgs {
    /// Input from one path.
    pub fn path_of(file: impl Into<PathBuf>) -> InputArgs {
        InputArgs::paths_of(vec![file.into()])
    }

    /// Input from several paths (files, directories, `-`), read as one capture.
    pub fn paths_of(files: Vec<PathBuf>) -> InputArgs {
        InputArgs {
            files,
            read_file: None,
            no_resolve: false,
        }
    }

    /// Every input as typed: `-r FILE` first, then the FILE words.
    pub fn paths(&self) -> Vec<PathBuf> {
        self.read_file
            .iter()
            .chain(self.files.iter())
            .cloned()
            .collect()
    }

    /// Opens the capture: one file, or the files and directories merged in time order.
    pub fn open(&self) -> Result<CaptureInput, CaptureError> {
        CaptureInput::open(&self.paths())
    }

    /// The capture prepared for several passes (a pipe or FIFO is copied once).
    pub fn rereadable(&self) -> Result<RereadableCapture, CaptureError> {
        RereadableCapture::new(&self.paths())
    }

    /// The single capture file named, when only one file (not a directory, not standard
    /// input) is: what a calls trace beside the capture belongs to.
    pub fn single(&self) -> Option<PathBuf> {
        match self.paths().as_slice() {
            [one] if !one.is_dir() && one.as_os_str() != "-" => Some(one.clone()),
            _ => None,
        }
    }

    /// The name printed for the input: the file, or the first path and how many others.
    pub fn name(&self) -> PathBuf {
        match self.paths().as_slice() {
            [one] => one.clone(),
            [first, rest @ ..] => {
                PathBuf::from(format!("{} (+{} more)", first.display(), rest.len()))
            }
            [] => PathBuf::new(),
        }
    }

    /// tcpdump's trailing filter (`synack read f.pcap tcp port 80`): the words from the first
    /// one after the first input that names neither an existing file or directory nor `-`.
    /// Returns the inputs and those words (empty when there are none).
    pub fn split_trailing_words(&self) -> (InputArgs, Vec<String>) {
        let paths = self.paths();
        let is_input = |p: &Path| p.as_os_str() == "-" || p.exists();
        let cut = paths
            .iter()
            .enumerate()
            .skip(1)
            .find(|(_, p)| !is_input(p))
            .map_or(paths.len(), |(i, _)| i);
        let words = paths[cut..]
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        let mut inputs = InputArgs::paths_of(paths[..cut].to_vec());
        inputs.no_resolve = self.no_resolve;
        (inputs, words)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_after_the_inputs_that_name_no_file_are_the_trailing_filter() {
        let dir = tempfile::tempdir().expect("temp dir");
        let a = dir.path().join("a.pcap");
        let b = dir.path().join("b.pcap");
        std::fs::write(&a, b"x").expect("write");
        std::fs::write(&b, b"x").expect("write");
        let typed = |words: &[&str]| {
            let mut files = vec![a.clone()];
            files.extend(words.iter().map(PathBuf::from));
            InputArgs::paths_of(files)
        };
        let (inputs, words) = typed(&["tcp", "port", "80"]).split_trailing_words();
        assert_eq!(inputs.paths(), vec![a.clone()]);
        assert_eq!(words, ["tcp", "port", "80"]);
        let b_word = b.to_string_lossy().into_owned();
        let (inputs, words) = typed(&[&b_word, "-", "tcp"]).split_trailing_words();
        assert_eq!(
            inputs.paths(),
            vec![a.clone(), b.clone(), PathBuf::from("-")]
        );
        assert_eq!(words, ["tcp"]);
        // The first input is always an input, even when it does not exist (its error is
        // "no such file", not a filter's).
        let missing = InputArgs::paths_of(vec![PathBuf::from("missing.pcap")]);
        assert_eq!(missing.split_trailing_words().1, Vec::<String>::new());
        // -r FILE comes first; the positional words then may all be filter words.
        let mut r = InputArgs::paths_of(vec![PathBuf::from("udp")]);
        r.read_file = Some(a.clone());
        let (inputs, words) = r.split_trailing_words();
        assert_eq!((inputs.paths(), words), (vec![a], vec!["udp".to_string()]));
    }
}
