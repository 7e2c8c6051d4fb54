//! `agentd`: the agent server binary.

/// mimalloc instead of glibc's malloc: a history page allocates and frees thousands of
/// small objects per request across the worker and blocking-pool threads, and glibc's
/// arena locks and chunk consolidation were about a third of that workload's CPU profile
/// (docs/BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    agentd::cli::run()
}
