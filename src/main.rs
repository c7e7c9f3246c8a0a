//! The `scaleout` binary: parse arguments, run, map the result to an exit code.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match scaleout::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // clap uses 0 for --help/--version and 2 for usage errors.
            return ExitCode::from(e.exit_code().clamp(0, 2) as u8);
        }
    };
    ExitCode::from(scaleout::cli::run(cli))
}
