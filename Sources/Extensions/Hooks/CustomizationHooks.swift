public import EventStore

/// What a customization registers in `register(_:)`: typed validators, event reactions, flag
/// defaults and routes, each with a time budget.
public struct CustomizationHooks: Sendable {
    /// Validators gate a caller's request, so they must answer quickly.
    public static let defaultValidatorBudget: Duration = .seconds(2)
    /// One delivery attempt of a reaction (e.g. one webhook POST).
    public static let defaultReactionBudget: Duration = .seconds(10)
    public static let defaultRouteBudget: Duration = .seconds(5)

    /// A validator, erased to run on any command of its type.
    struct Validator: Sendable {
        let command: String
        let budget: Duration
        let check: @Sendable (any CustomizableCommand) async throws -> Void
    }

    private(set) var validators: [Validator] = []
    public private(set) var reactions: [Reaction] = []
    public private(set) var flagDefaults: [FlagDefault] = []
    public private(set) var routes: [CustomizationRoute] = []

    public init() {}

    /// Checks every `Command` before it is applied; throw `Refusal` to refuse it.
    public mutating func validate<Command: CustomizableCommand>(
        _ command: Command.Type,
        budget: Duration = defaultValidatorBudget,
        _ check: @escaping @Sendable (Command) async throws -> Void
    ) {
        validators.append(
            Validator(command: Command.name, budget: budget) { any in
                if let command = any as? Command { try await check(command) }
            })
    }

    /// Checks every command named `commandName` (`SignupCommand.name`, …) before it is applied,
    /// whatever its type: for customizations that read commands as data, such as a WebAssembly
    /// module reading their JSON. Throw `Refusal` to refuse one.
    public mutating func validate(
        commandNamed commandName: String,
        budget: Duration = defaultValidatorBudget,
        _ check: @escaping @Sendable (any CustomizableCommand) async throws -> Void
    ) {
        validators.append(
            Validator(command: commandName, budget: budget) { command in
                if type(of: command).name == commandName { try await check(command) }
            })
    }

    /// Calls `react` for each event `selection` matches, at least once, in order per tenant, from
    /// a checkpoint of its own (`reaction:<customization>:<name>`). A throw or an overrun is
    /// retried with back-off; only that tenant's later events wait for it. With
    /// `maximumAttempts`, an event on which the reaction's sandbox trapped that many times is
    /// parked (a `ReactionDeliveryParked` event in the tenant's `reactionparked-` stream) and the
    /// later events go on; any other failure is retried until it succeeds.
    public mutating func react(
        _ name: String,
        to selection: ReactionSelection,
        budget: Duration = defaultReactionBudget,
        maximumAttempts: Int? = nil,
        _ react: @escaping @Sendable (RecordedEvent) async throws -> Void
    ) {
        reactions.append(Reaction(name: name, selection: selection, budget: budget, maximumAttempts: maximumAttempts.map { max($0, 1) }, react: react))
    }

    /// The variant the instance's tenant gets for `flagKey` unless an operator chose one.
    public mutating func defaultFlag(_ flagKey: String, variant: String) {
        flagDefaults.append(FlagDefault(flagKey: flagKey, variant: variant))
    }

    /// Serves `method path` under `/x/<customization-id>/`.
    public mutating func route(
        _ method: String,
        _ path: String,
        requiresTenantKey: Bool = true,
        budget: Duration = defaultRouteBudget,
        _ handler: @escaping @Sendable (CustomizationRequest) async throws -> CustomizationResponse
    ) {
        routes.append(CustomizationRoute(method: method, path: path, requiresTenantKey: requiresTenantKey, budget: budget, handler: handler))
    }

    /// The command names validated, for listings.
    public var validatedCommands: [String] { validators.map(\.command) }
}

/// A registered event reaction.
public struct Reaction: Sendable {
    public let name: String
    public let selection: ReactionSelection
    public let budget: Duration
    /// Attempts at one event before it is parked; nil: retried until delivered.
    public let maximumAttempts: Int?
    public let react: @Sendable (RecordedEvent) async throws -> Void
}

/// Which events a reaction receives.
public struct ReactionSelection: Sendable, Hashable {
    /// Stream categories (e.g. `tenant`, `flag`); nil for all.
    public var categories: [String]?
    /// Event types; nil for all.
    public var eventTypes: Set<String>?

    public init(categories: [String]? = nil, eventTypes: Set<String>? = nil) {
        self.categories = categories
        self.eventTypes = eventTypes
    }

    /// Every event of the tenant: its whole audit trail.
    public static let everything = ReactionSelection()

    /// Whether `event` is one the reaction receives. Parked deliveries
    /// (`ReactionDeliveryParked.category`) never are: a reaction to every event would otherwise
    /// be handed its own failures.
    public func matches(_ event: RecordedEvent) -> Bool {
        event.category != ReactionDeliveryParked.category
            && (categories.map { $0.contains(String(event.category)) } ?? true) && (eventTypes.map { $0.contains(event.type) } ?? true)
    }
}
