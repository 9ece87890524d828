//! The pipeline: a capture's frames through decode and the analysis engine, on one thread
//! or two, handed to a consumer (reassembly and framing, a printer, the desktop store).
//!
//! Every consumer (the command line, the window, the fuzz targets, the tests) drives the
//! stages through here, so that they all see the same frames, annotations and errors.

mod threads;

pub use threads::{analyse_file, analyse_file_keeping, default_threads, Analysed, Kept};
