/// A failure the CLI reports as `Error: <message>` with exit status 1, without usage text
/// (bad input data is not a usage mistake).
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
