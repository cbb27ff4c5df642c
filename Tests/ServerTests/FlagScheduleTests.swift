import FeatureFlags
import Foundation
import TenantryServer
import Testing

@Suite("Scheduled flag changes in the server", .validatesOFREPResponses)
struct FlagScheduleTests {
    @Test("the server applies a scheduled change when it falls due, with no one watching, and serves it")
    func serverAppliesScheduledChange() async throws {
        try await withTestServer { server in
            let flag = try await server.define(Flag(
                key: FlagKey("launch-day"), type: .boolean, variants: ["on": true, "off": false], defaultVariant: "off",
                rollout: .percentage(100, of: "on")
            ))
            try await server.change { try await $0.setEnabled(flag.key, false, by: TestServer.change) }
            let disabled = try await server.evaluate("launch-day", apiKey: server.apiKey, label: "before the schedule")
            #expect(disabled.text.contains(#""reason":"DISABLED""#))

            let change = ScheduledChange(at: Date().addingTimeInterval(0.3), action: .enable)
            try await server.flags.schedule(flag.key, change, by: TestServer.change)
            // Nothing else happens: the server's scheduler has to notice and record the change.
            let enabled = await server.views.flags.waitUntil(timeout: .conditionDeadline) { catalog in
                catalog.flag("launch-day")?.isEnabled == true && catalog.flag("launch-day")?.scheduledChanges.isEmpty == true
            }
            #expect(enabled)
            let served = try await server.evaluate("launch-day", apiKey: server.apiKey, label: "after the schedule")
            #expect(served.status == 200)
            #expect(served.text.contains(#""reason":"SPLIT""#))
            let last = try #require(try await server.flags.history(flag.key).last)
            #expect(last.type == "FlagEnabled")
            #expect(last.metadata.actor == "system:flag-scheduler")
        }
    }
}
