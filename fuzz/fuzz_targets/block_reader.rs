//! Fuzz target `block_reader`: see `synack::fuzzing::block_reader` for the input layout and the checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| synack::fuzzing::block_reader(data));
