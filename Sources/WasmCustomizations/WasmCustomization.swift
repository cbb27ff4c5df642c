public import Extensions
import EventStore
import Foundation
public import Logging

/// A WebAssembly module as a customization: the same `CustomizationDefinition` a compiled-in
/// one has, its hooks calling the module's exports in pooled sandboxes (ABI v1,
/// `Docs/customizations.md`).
public enum WasmCustomization {
    /// How the sandbox reaches out.
    public struct Options: Sendable {
        /// Plain http to a loopback address for `tenantry.http` (tests' receivers only).
        public var allowsPlainLoopbackHTTP: Bool
        /// False: a fresh instance for every call, as `tenantry bench customizations` measures
        /// next to the pooled ones.
        public var reusesInstances: Bool
        public var logger: Logger

        public init(allowsPlainLoopbackHTTP: Bool = false, reusesInstances: Bool = true, logger: Logger = Logger(label: "tenantry.customization")) {
            self.allowsPlainLoopbackHTTP = allowsPlainLoopbackHTTP
            self.reusesInstances = reusesInstances
            self.logger = logger
        }
    }

    /// The definition of `module`: its manifest's id, version, summary and settings, and hooks
    /// that call it. Flag defaults are asked of the module when the hooks are registered (with
    /// no network: they describe the module, they reach nothing); listings describe the hooks
    /// from the manifest, running nothing.
    public static func definition(_ module: CompiledModule, options: Options = Options()) -> CustomizationDefinition {
        let manifest = module.manifest
        return CustomizationDefinition(
            id: manifest.id, version: manifest.version, summary: manifest.summary, settings: manifest.settings,
            origin: .webAssembly(sha256: module.sha256), hookSummaries: hookSummaries(manifest)
        ) { settings in
            var logger = options.logger
            logger[metadataKey: "customization"] = "\(manifest.id)"
            let outbound = module.importsHTTP
                ? OutboundHTTP(allowedDomains: settings.string(ModuleManifest.allowedDomainsSetting), allowsPlainLoopback: options.allowsPlainLoopbackHTTP)
                : nil
            let pool = InstancePool(module: module, settings: settings, logger: logger, outbound: outbound, reusesInstances: options.reusesInstances)
            var hooks = hooks(of: pool)
            if manifest.hooks.flagDefaults {
                let offline = InstancePool(module: module, settings: settings, logger: logger, outbound: nil, reusesInstances: false)
                do throws(HookTrap) {
                    let answer = try offline.call(.flagDefaults, input: nil, fuel: module.limits.validatorFuel, deadline: .now + module.limits.validatorBudget)
                    for flagDefault in try ModuleAnswer.flagDefaults(answer) {
                        hooks.defaultFlag(flagDefault.flagKey, variant: flagDefault.variant)
                    }
                } catch {
                    throw CustomizationError(customization: manifest.id, hook: "flag defaults", kind: .trapped, detail: error.detail)
                }
            }
            return hooks
        }
    }

    /// Attempts at one event before a module's reaction parks it, when every attempt trapped
    /// (about 13 s of back-off): a module that traps on an event would otherwise hold its
    /// tenant's later events for good. An answer asking to be retried, or a time-out, is
    /// retried until it is delivered, as a compiled reaction is.
    public static let reactionAttempts = 8

    /// What a listing says of the manifest's hooks.
    static func hookSummaries(_ manifest: ModuleManifest) -> [String] {
        manifest.hooks.validate.map { "validates \($0)" }
            + manifest.hooks.reactions.map { reaction in
                let events = reaction.selection.categories.map { "events of \($0.joined(separator: ", "))" } ?? "every event"
                return "reacts to \(events) as '\(reaction.name)' (own checkpoint, retried)"
            }
            + (manifest.hooks.flagDefaults ? ["flag defaults (asked of the module when deployed)"] : [])
    }

    private static func hooks(of pool: InstancePool) -> CustomizationHooks {
        let manifest = pool.module.manifest
        let limits = pool.module.limits
        var hooks = CustomizationHooks()
        for command in manifest.hooks.validate {
            hooks.validate(commandNamed: command, budget: limits.validatorBudget) { command in
                let answer = try await pool.run(.validate, input: try commandInput(command), fuel: limits.validatorFuel, budget: limits.validatorBudget)
                try ModuleAnswer.verdict(answer)
            }
        }
        for reaction in manifest.hooks.reactions {
            hooks.react(reaction.name, to: reaction.selection, budget: limits.reactionBudget, maximumAttempts: reactionAttempts) { event in
                let input = Array("{\"reaction\":\(JSONString.quoted(reaction.name)),\"event\":\(event.jsonLine)}".utf8)
                let answer = try await pool.run(.react, input: input, fuel: limits.reactionFuel, budget: limits.reactionBudget)
                try ModuleAnswer.delivery(answer)
            }
        }
        return hooks
    }

    /// The command as the module reads it: `"command"` (its name) beside its fields, keys sorted.
    static func commandInput(_ command: any CustomizableCommand) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(CommandInput(command: command)))
    }

    private struct CommandInput: Encodable {
        let command: any CustomizableCommand

        enum Keys: String, CodingKey { case command }

        func encode(to encoder: any Encoder) throws {
            try command.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(type(of: command).name, forKey: .command)
        }
    }
}
