//! The `synack` binary: see the library's `cli` module.

fn main() -> std::process::ExitCode {
    synack::cli::run()
}
