import Logging
import ServiceLifecycle

/// How a long-running command stops: the way `serve` does. SIGTERM or SIGINT starts a graceful
/// shutdown of the command's services (in reverse order); each stops where it can stop safely
/// (the provisioning runner between batches, at its checkpoint; a feed follower between
/// pages), and the command exits 0.
enum SignalledShutdown {
    static func run(_ services: [any Service], logger: Logger) async throws {
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
    }
}
