import EventStore
import Extensions
import Foundation
import Synchronization

/// A switch shared between a test and the hooks it installs.
final class Switch: Sendable {
    private let state = Mutex(false)
    var isOn: Bool { state.withLock { $0 } }
    func turnOn() { state.withLock { $0 = true } }
}

/// Counts calls, shared between a test and its hooks.
final class Tally: Sendable {
    private let state = Mutex<[String]>([])
    func record(_ entry: String) { state.withLock { $0.append(entry) } }
    var entries: [String] { state.withLock { $0 } }
    var count: Int { entries.count }
}

/// Behaviour the contract tests need, chosen per test through settings, so each test builds a
/// host the way production does: from a type and its settings.
struct ContractProbe: Customization {
    static let id: CustomizationID = "contract-probe"
    static let version = "0.1.0"
    static let summary = "A customization whose hooks refuse, throw, overrun or succeed on demand"
    static let settings = [
        SettingSpecification(name: "mode", kind: .string, summary: "refuse | throw | overrun | accept"),
        SettingSpecification(name: "limit", kind: .integer, summary: "a number", defaultValue: "3"),
        SettingSpecification(name: "token", kind: .string, summary: "a secret", defaultValue: "hush", isSecret: true),
    ]

    /// What `overrun` hooks wait for; they ignore cancellation on purpose.
    static let release = Switch()
    let mode: String

    init(settings: CustomizationSettings) throws {
        mode = settings.string("mode")
        guard ["refuse", "throw", "overrun", "accept"].contains(mode) else {
            throw SettingError(customization: Self.id, problems: ["setting 'mode' must be refuse, throw, overrun or accept"])
        }
    }

    struct Broken: Error, CustomStringConvertible {
        var description: String { "the probe broke" }
    }

    func register(_ hooks: inout CustomizationHooks) {
        let mode = self.mode
        let release = Self.release
        hooks.validate(SignupCommand.self, budget: .milliseconds(200)) { signup in
            switch mode {
            case "refuse": throw Refusal("not \(signup.email)")
            case "throw": throw Broken()
            case "overrun":
                while !release.isOn { try? await Task.sleep(for: .milliseconds(5)) }
            default: break
            }
        }
        hooks.route("GET", "/mode", budget: .milliseconds(200)) { _ in
            if mode == "throw" { throw Broken() }
            return .text(mode)
        }
        hooks.defaultFlag("new-billing", variant: "on")
    }
}
