public import EventStore

extension FlagCatalog {
    /// A catalog kept current from `store` (acting as `tenantry_operator`): the server's
    /// evaluation snapshot. Read it with `state` (one atomic load) and evaluate in memory.
    public static func live(store: EventLog) -> LiveView<FlagCatalog> {
        LiveView(store: store, filter: EventFilter(categories: [FlagStreams.category]), initial: FlagCatalog()) { catalog, event in
            try catalog.apply(event)
        }
    }

    /// The catalog as the store has it now (for one-shot commands).
    public static func load(from store: EventLog) async throws -> FlagCatalog {
        let view = live(store: store)
        try await view.catchUp()
        return view.state
    }
}
