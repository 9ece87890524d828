//! Fuzz target `engine`: see `synack::fuzzing::engine` for the input layout and the checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| synack::fuzzing::engine(data));
