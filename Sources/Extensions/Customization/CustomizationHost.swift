import EventStore
public import Logging
import Metrics

/// One customization, built from checked settings with its hooks registered, and the only way
/// the platform calls them: each call within its budget, logged and counted, with failures
/// turned into `CustomizationError`s that name the customization.
public struct CustomizationHost: Sendable {
    public let id: CustomizationID
    public let version: String
    public let summary: String
    /// Compiled in, or a WebAssembly module (by sha256).
    public let origin: CustomizationDefinition.Origin
    public let settings: CustomizationSettings
    public let specifications: [SettingSpecification]
    let hooks: CustomizationHooks
    let logger: Logger

    /// Checks `settings` against the customization's specifications, builds it and registers
    /// its hooks. Throws `SettingError` naming each bad setting.
    public init(_ customization: any Customization.Type, settings given: [String: String], logger: Logger = Logger(label: "tenantry.customization")) throws {
        try self.init(CustomizationDefinition(customization), settings: given, logger: logger)
    }

    /// Checks `settings` against the definition's specifications and registers its hooks.
    /// Throws `SettingError` naming each bad setting.
    public init(_ definition: CustomizationDefinition, settings given: [String: String], logger: Logger = Logger(label: "tenantry.customization")) throws {
        let settings = try CustomizationSettings.validate(given, against: definition.settings, for: definition.id)
        self.hooks = try definition.registerHooks(settings)
        self.id = definition.id
        self.version = definition.version
        self.summary = definition.summary
        self.origin = definition.origin
        self.settings = settings
        self.specifications = definition.settings
        var logger = logger
        logger[metadataKey: "customization"] = "\(definition.id)"
        self.logger = logger
    }

    public var reactions: [Reaction] { hooks.reactions }
    public var flagDefaults: [FlagDefault] { hooks.flagDefaults }
    public var routes: [CustomizationRoute] { hooks.routes }
    public var validatedCommands: [String] { hooks.validatedCommands }

    /// Runs every validator registered for `command`'s type; returns when all accept.
    /// Throws `CustomizationError`: `.refused` for a `Refusal`, `.trapped` for a `HookTrap`,
    /// `.failed` or `.timedOut` otherwise.
    public func validate<Command: CustomizableCommand>(_ command: Command) async throws {
        for validator in hooks.validators where validator.command == Command.name {
            try await call("\(Command.name) validator", budget: validator.budget) {
                try await validator.check(command)
            }
        }
    }

    /// Validates a command whose type is known only at run time (opened, then as above).
    public func validate(anyCommand command: any CustomizableCommand) async throws {
        try await validate(command)
    }

    /// Serves a request with one of this customization's routes.
    public func respond(_ route: CustomizationRoute, to request: CustomizationRequest) async throws -> CustomizationResponse {
        try await call("route \(route.method) /\(route.path)", budget: route.budget) {
            try await route.handler(request)
        }
    }

    /// One delivery attempt of `reaction`, within its budget.
    func deliver(_ event: RecordedEvent, to reaction: Reaction) async throws {
        try await call("reaction \(reaction.name)", budget: reaction.budget) {
            try await reaction.react(event)
        }
    }

    private func call<Value: Sendable>(
        _ hook: String,
        budget: Duration,
        _ operation: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        let kind = String(hook.prefix { $0 != " " })
        do {
            let value = try await TimeBudget.run(budget, operation)
            count(kind, "ok")
            return value
        } catch let refusal as Refusal {
            count(kind, "refused")
            logger.info("customization refused a command", metadata: ["hook": "\(hook)", "reason": "\(refusal.reason)"])
            throw CustomizationError(customization: id, hook: hook, kind: .refused, detail: refusal.reason)
        } catch let trap as HookTrap {
            count(kind, "trapped")
            logger.error("customization hook stopped by its sandbox", metadata: ["hook": "\(hook)", "reason": "\(trap.reason)", "detail": "\(trap.detail)"])
            throw CustomizationError(customization: id, hook: hook, kind: .trapped, detail: trap.detail)
        } catch is TimeBudget.Exceeded {
            count(kind, "timed-out")
            logger.error("customization hook ran past its budget", metadata: ["hook": "\(hook)", "budget": "\(budget)"])
            throw CustomizationError(customization: id, hook: hook, kind: .timedOut, detail: "\(budget)")
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            count(kind, "failed")
            logger.error("customization hook failed", metadata: ["hook": "\(hook)", "error": "\(error)"])
            throw CustomizationError(customization: id, hook: hook, kind: .failed, detail: "\(error)")
        }
    }

    /// `tenantry_customization_hook_calls_total{customization, hook, outcome}`: the labels are
    /// the ids of compiled-in or installed customizations (an operator installs those) and fixed
    /// words, so the series stay few.
    private func count(_ hook: String, _ outcome: String) {
        Counter(
            label: "tenantry_customization_hook_calls_total",
            dimensions: [("customization", id.rawValue), ("hook", hook), ("outcome", outcome)]
        ).increment()
    }
}
