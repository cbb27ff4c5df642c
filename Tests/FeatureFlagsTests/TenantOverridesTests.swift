import FeatureFlags
import Foundation
import Testing

@Suite("Tenant overrides, stored compactly")
struct TenantOverridesTests {
    let first = UUID()
    let second = UUID()
    let third = UUID()

    @Test("reads back what was set, forgets what was cleared, and iterates every pair once")
    func setClearIterate() {
        var overrides = TenantOverrides()
        overrides[first] = "on"
        overrides[second] = "off"
        overrides[third] = "on"
        overrides[second] = "beta"
        overrides[third] = nil
        #expect(overrides[first] == "on")
        #expect(overrides[second] == "beta")
        #expect(overrides[third] == nil)
        #expect(overrides.count == 2)
        #expect(overrides.dictionary == [first: "on", second: "beta"])
        #expect(Dictionary(uniqueKeysWithValues: overrides.map { ($0.key, $0.value) }) == [first: "on", second: "beta"])
        #expect(Set(overrides.tenants) == [first, second])
    }

    @Test("equal by what each tenant is overridden to, whatever order the variant names were first used in")
    func equality() {
        var ab = TenantOverrides()
        ab[first] = "a"
        ab[second] = "b"
        var ba = TenantOverrides()
        ba[second] = "b"
        ba[first] = "a"
        #expect(ab == ba)
        #expect(ab.hashValue == ba.hashValue)
        #expect(ab == TenantOverrides([first: "a", second: "b"]))
        ba[first] = "b"
        #expect(ab != ba)
        ba[first] = nil
        #expect(ab != ba)
        var cleared = ab
        cleared[first] = nil
        cleared[second] = nil
        #expect(cleared == [:])
        #expect(cleared.isEmpty)
    }
}
