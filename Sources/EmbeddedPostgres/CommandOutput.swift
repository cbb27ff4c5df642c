/// What a finished command printed and how it exited.
public struct CommandOutput: Sendable {
    /// The command as a readable line, for error messages.
    public let commandLine: String
    /// The exit code, or 128 + signal number when it was killed.
    public let exitStatus: Int32
    /// stdout and stderr, interleaved as written.
    public let text: String

    /// Whether it exited with status 0.
    public var succeeded: Bool { exitStatus == 0 }

    var tail: String { EmbeddedPostgresError.lastLines(of: text) }
}
