//! `agentd`: the agent server binary.

fn main() {}
