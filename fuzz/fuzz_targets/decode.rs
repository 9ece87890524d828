//! Fuzz target `decode`: see `synack::fuzzing::decode_frame` for the input layout and the checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| synack::fuzzing::decode_frame(data));
