//! Fuzz target `file_reader`: see `synack::fuzzing::file_reader` for the input layout and the checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| synack::fuzzing::file_reader(data));
