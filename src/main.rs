//! The `synack` binary: see the library's `cli` module.

fn main() -> std::process::ExitCode {
    keep_freed_memory();
    synack::cli::run()
}

/// Asks glibc's allocator to keep freed blocks up to 64 MiB in the heap instead of handing
/// them back to the kernel. Each followed connection's stream bytes (hundreds of KB) are
/// freed when it closes; above glibc's default 128 KiB threshold every one was an `mmap`
/// and `munmap`, so every connection page-faulted its memory afresh, and with two threads
/// every `munmap` also interrupted the other core to flush its TLB. Process-wide, so only the
/// binary sets it: a program using the library keeps its own allocator settings.
fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator tuning parameters; any value is accepted.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 64 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 128 << 20);
    }
}
