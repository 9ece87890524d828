//! The capture a subcommand reads, one struct for every subcommand that reads one (`read`,
//! `flows`, `stream`, `view`), so each input option means the same everywhere.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::capture::{CaptureError, CaptureInput};

/// Where the capture comes from.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Capture files (pcap or pcapng, any byte order, µs or ns timestamps) or directories of
    /// them. Several are read as one capture, merged in time order like mergecap (a ring
    /// buffer's files: `synack flows captures/ring/`), so a connection that spans files is
    /// one connection.
    #[arg(value_name = "FILE", required = true, num_args = 1..)]
    pub files: Vec<PathBuf>,
}

impl InputArgs {
    /// Input from one path.
    pub fn path_of(file: impl Into<PathBuf>) -> InputArgs {
        InputArgs {
            files: vec![file.into()],
        }
    }

    /// Opens the capture: one file, or the files and directories merged in time order.
    pub fn open(&self) -> Result<CaptureInput, CaptureError> {
        CaptureInput::open(&self.files)
    }

    /// The single capture file named, when only one file (not a directory) is: what a
    /// calls trace beside the capture belongs to.
    pub fn single(&self) -> Option<&Path> {
        match self.files.as_slice() {
            [one] if !one.is_dir() => Some(one),
            _ => None,
        }
    }

    /// The name printed for the input: the file, or the first path and how many others.
    pub fn name(&self) -> PathBuf {
        match self.files.as_slice() {
            [one] => one.clone(),
            [first, rest @ ..] => {
                PathBuf::from(format!("{} (+{} more)", first.display(), rest.len()))
            }
            [] => PathBuf::new(),
        }
    }
}
