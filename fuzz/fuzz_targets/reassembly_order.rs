//! Fuzz target `reassembly_order`: see `synack::fuzzing::reassembly_order` for the input layout and the checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| synack::fuzzing::reassembly_order(data));
