import Foundation

/// A failure to set up, start, stop or remove an embedded PostgreSQL cluster.
///
/// `description` is a single readable sentence, followed by the last lines of the command output or
/// server log when a command failed, because that is almost always where the real cause is.
public struct EmbeddedPostgresError: Error, CustomStringConvertible {
    /// What went wrong, in one line.
    public var message: String
    /// The last lines (about 20) of the failing command's output and/or the server log, if any.
    public var output: String?

    /// Creates an error; `output` should already be trimmed to its last lines.
    public init(_ message: String, output: String? = nil) {
        self.message = message
        let trimmed = output?.trimmingCharacters(in: .whitespacesAndNewlines)
        self.output = (trimmed?.isEmpty ?? true) ? nil : trimmed
    }

    /// The message, then the captured output indented under it.
    public var description: String {
        guard let output else { return message }
        let indented = output.split(separator: "\n", omittingEmptySubsequences: false)
            .map { "    " + $0 }
            .joined(separator: "\n")
        return message + "\n" + indented
    }

    /// The last `count` lines of `text`.
    static func lastLines(of text: String, count: Int = 20) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let trimmedEnd = lines.last?.isEmpty == true ? lines.dropLast() : lines[...]
        return trimmedEnd.suffix(count).joined(separator: "\n")
    }
}
