//! `agentd`: the agent server binary.

fn main() -> std::process::ExitCode {
    agentd::cli::run()
}
