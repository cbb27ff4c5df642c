/// What a finished command printed and how it exited.
struct CommandOutput: Sendable {
    /// The command as a readable line, for error messages.
    let commandLine: String
    /// The exit code, or 128 + signal number when it was killed.
    let exitStatus: Int32
    /// stdout and stderr, interleaved as written.
    let text: String

    var succeeded: Bool { exitStatus == 0 }

    var tail: String { EmbeddedPostgresError.lastLines(of: text) }
}
