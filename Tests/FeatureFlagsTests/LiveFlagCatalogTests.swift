import EventStore
import FeatureFlags
import Foundation
import PostgresClient
import TestSupport
import Testing

@Suite("The live flag catalog")
struct LiveFlagCatalogTests {
    @Test("a change written through another connection pool is visible to a running view, woken by the feed-tip watcher")
    func changesPropagate() async throws {
        try await withFlagHarness { harness, database async throws in
            let live = FlagCatalog.live(store: harness.operatorEventStore)
            // A safety-net recheck of ten minutes: within the test only the feed-tip watcher can wake the view.
            let following = Task { try await live.run(idleRecheck: .seconds(600)) }
            defer { following.cancel() }
            #expect(await live.waitUntil(timeout: .conditionDeadline) { _ in live.isCaughtUp })

            // A writer of its own, as another process would be.
            let writerPool = PostgresPool(configuration: database.operatorConfiguration, maximumConnections: 1)
            let writer = FlagService(store: EventLog(pool: writerPool))
            let key = try FlagKey("dark-mode")
            try await writer.define(
                Flag(key: key, type: .boolean, variants: ["on": true, "off": false], defaultVariant: "off"),
                by: .init(actor: "test")
            )
            #expect(await live.waitUntil(timeout: .conditionDeadline) { $0.flag("dark-mode") != nil })

            let tenant = TenantAttributes(id: UUID(), slug: "acme", plan: "pro", state: "active", isolation: "pooled", createdAt: Date())
            let context = EvaluationContext(tenant: tenant)
            #expect(FlagEvaluator(catalog: live.state).evaluate("dark-mode", context: context).variant == "off")

            try await writer.setOverride(key, tenant: tenant.id, variant: "on", by: .init(actor: "test"))
            #expect(await live.waitUntil(timeout: .conditionDeadline) { catalog in
                FlagEvaluator(catalog: catalog).evaluate("dark-mode", context: context).variant == "on"
            })
            // A revision only moves with events: waking the view for nothing publishes nothing.
            let revision = live.state.revision
            #expect(revision == 2)
            await writerPool.close()
        }
    }

    @Test("flag streams written by a tenant are not flags")
    func tenantStreamsAreIgnored() async throws {
        try await withFlagHarness { harness, _ async throws in
            let tenant = UUID()
            let defined = try NewEvent(
                type: "FlagDefined",
                dataJSON: #"{"key":"spoofed","description":"","type":"boolean","variants":{"on":true},"defaultVariant":"on","enabled":true,"metadata":{}}"#
            )
            try await harness.eventStore.append([defined], to: "flag-spoofed", tenant: tenant)
            let catalog = try await FlagCatalog.load(from: harness.operatorEventStore)
            #expect(catalog.flag("spoofed") == nil)
            #expect(try await harness.flags.catalog().flag("spoofed") == nil)
        }
    }
}
