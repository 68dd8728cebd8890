//! The `normlife` binary: parses arguments, calls the library, maps failures to exit
//! codes (0 success, 2 bad input, 1 anything else).

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match normlife::cli::Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match normlife::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
