import Foundation
public import Logging
import Synchronization

/// Keeps what a `Logger` logs, for tests that assert on logging (how often, at what level).
public final class CapturedLogs: Sendable {
    public struct Entry: Sendable {
        public let level: Logger.Level
        public let message: String
        public let at: ContinuousClock.Instant
    }

    private let entries = Mutex<[Entry]>([])

    public init() {}

    /// A logger writing here, at every level from `level` up.
    public func logger(label: String = "test", level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: label) { _ in Handler(logs: self) }
        logger.logLevel = level
        return logger
    }

    /// Everything logged so far, oldest first.
    public var all: [Entry] { entries.withLock { $0 } }

    /// The entries with this message.
    public func entries(_ message: String) -> [Entry] { all.filter { $0.message == message } }

    fileprivate func record(_ entry: Entry) {
        entries.withLock { $0.append(entry) }
    }

    private struct Handler: LogHandler {
        let logs: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            logs.record(Entry(level: event.level, message: event.message.description, at: .now))
        }
    }
}
