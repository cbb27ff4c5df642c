@testable import FeatureFlags
import Foundation
import Testing

@Suite("Definitions at the edges")
struct DefinitionLimitsTests {
    @Test("rollout weights that would overflow when added are refused, not a crash")
    func overflowingWeightsAreRefused() throws {
        let rollout = Rollout(splits: [.init(variant: "on", weight: .max), .init(variant: nil, weight: 1)])
        #expect(rollout.totalWeight == .max)
        let flag = try FlagFixtures.toggle("huge", rollout: rollout)
        #expect(throws: FlagError.self) { try flag.validate() }
        let tooFine = Rollout(splits: [.init(variant: "on", weight: 600_000), .init(variant: nil, weight: 600_000)])
        #expect(throws: FlagError.self) { try FlagFixtures.toggle("fine", rollout: tooFine).validate() }
    }

    @Test("semantic versions with leading zeros are not versions (as in semver.org and flagd)")
    func leadingZerosAreRefused() {
        #expect(SemanticVersion("1.2.3") != nil)
        #expect(SemanticVersion("1.0.0-0") != nil)
        #expect(SemanticVersion("10.20.30") != nil)
        #expect(SemanticVersion("01.2.3") == nil)
        #expect(SemanticVersion("1.02.3") == nil)
        #expect(SemanticVersion("1.2.3-01") == nil)
        #expect(SemanticVersion("1.2.3-alpha.01") == nil)
        #expect(SemanticVersion("1.2.3-0a") != nil)
    }

    @Test("with several invalid metadata entries, the first by name is reported, every time")
    func metadataErrorsAreStable() throws {
        let flag = Flag(
            key: try FlagKey("meta"), type: .boolean, variants: ["on": true, "off": false], defaultVariant: "off",
            metadata: ["zeta": .array([]), "alpha": .object([:]), "mid": .null]
        )
        do {
            try flag.validate()
            Issue.record("nested metadata was accepted")
        } catch {
            #expect(error.description.contains("\"alpha\""))
        }
    }
}
