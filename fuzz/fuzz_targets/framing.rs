//! Fuzz target `framing`: see `synack::fuzzing::framing` for the input layout and the checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| synack::fuzzing::framing(data));
