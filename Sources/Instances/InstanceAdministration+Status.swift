import EventStore
import Extensions
import PostgresClient
import Schema

extension InstanceAdministration {
    /// An instance as `instance status` shows it.
    public struct Status: Sendable {
        /// The instance as recorded.
        public let record: InstanceRecord
        /// `running`, `exited`, `stopped`, …
        public let state: String
        /// `ready` or `not ready` for a running instance, `-` otherwise.
        public let health: String
        /// How many of the tenant's events each of the customization's reactions has still to
        /// handle, counted among at most `reactionLagScanLimit` events: a lag of that many means
        /// at least that many.
        public let reactionLag: [String: Int]
        /// The port it serves (or was deployed to serve) on.
        public var port: Int { record.process?.port ?? record.deployment.port }
    }

    /// The instance's record, whether it runs and answers ready, and the lag of the reactions of
    /// the customization it runs (none counted when that customization cannot be loaded here).
    public func status(of tenant: String) async throws -> Status {
        let record = try await record(of: tenant)
        let state = state(of: record)
        let port = record.process?.port ?? record.deployment.port
        let health = state == "running" ? (await processes.isReady(port: port) ? "ready" : "not ready") : "-"
        var lags: [String: Int] = [:]
        let running = record.customization
        if record.status != .destroyed,
            let definition = try? await customizations.definition(id: running.id, version: running.version, moduleSHA256: running.moduleSHA256),
            // Reading checkpoints needs the hooks, not the real settings: examples will do.
            let host = try? CustomizationHost(
                definition, settings: Dictionary(uniqueKeysWithValues: definition.settings.map { ($0.name, $0.defaultValue ?? $0.kind.example) })),
            !host.reactions.isEmpty
        {
            lags = try await reactionLag(record, host: host)
        }
        return Status(record: record, state: state, health: health, reactionLag: lags)
    }

    /// How many of the tenant's events after a reaction's checkpoint `status` reads at most to
    /// count its lag: a lag equal to it means "at least this many".
    public static let reactionLagScanLimit = 10_000

    /// How far each of the customization's reactions is behind the tenant's events: the matching
    /// events among the first `reactionLagScanLimit` after its checkpoint (from the start when it
    /// never ran).
    func reactionLag(_ record: InstanceRecord, host: CustomizationHost) async throws -> [String: Int] {
        let pool = PostgresPool(
            configuration: platform.clusterAdministrator.with(database: record.deployment.database).acting(as: DatabaseRoles.operator),
            maximumConnections: 1)
        do {
            let lags = try await reactionLag(record, host: host, store: EventLog(pool: pool))
            await pool.close()
            return lags
        } catch {
            await pool.close()
            throw error
        }
    }

    private func reactionLag(_ record: InstanceRecord, host: CustomizationHost, store: EventLog) async throws -> [String: Int] {
        var lags: [String: Int] = [:]
        for reaction in host.reactions {
            let runner = ReactionRunner(host: host, reaction: reaction, store: store, tenantID: record.deployment.tenantId)
            let checkpoint = try await runner.checkpoint() ?? .start
            let behind = try await store.readPage(
                after: checkpoint, filter: EventFilter(tenantID: record.deployment.tenantId), limit: Self.reactionLagScanLimit)
            lags[reaction.name] = behind.events.filter { reaction.selection.matches($0) }.count
        }
        return lags
    }
}
