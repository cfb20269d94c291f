fn main() -> std::process::ExitCode {
    lab::app::main()
}
