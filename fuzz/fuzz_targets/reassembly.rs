//! Fuzz target `reassembly`: see `synack::fuzzing::reassembly` for the input layout and the checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| synack::fuzzing::reassembly(data));
