public import EventStore
public import ServiceLifecycle

/// Keeps a `LiveView` current for as long as the server runs: its `run()` (catch up, then
/// follow the feed, woken by NOTIFY), stopped on graceful shutdown.
public struct LiveViewWorker<State: Sendable>: Service, CustomStringConvertible {
    public let name: String
    public let view: LiveView<State>

    public init(name: String, view: LiveView<State>) {
        self.name = name
        self.view = view
    }

    /// Follows the feed until the server shuts down.
    public func run() async throws {
        try await runUntilShutdown { [view] in try await view.run() }
    }

    public var description: String { "LiveView(\(name))" }
}
