//! The `privacy-center` binary: serving and operations.

fn main() -> std::process::ExitCode {
    privacy_center_api::cli::main()
}
