import Foundation

extension Flag {
    /// The flag after its first event, which must be FlagDefined.
    init(defined: FlagEvent.Defined, at time: Date, version: Int64) {
        self.init(
            key: defined.key, description: defined.description, type: defined.type, variants: defined.variants,
            defaultVariant: defined.defaultVariant, isEnabled: defined.enabled, metadata: defined.metadata,
            createdAt: time
        )
        self.version = version
    }

    /// Folds one more event in.
    mutating func apply(_ event: FlagEvent, at time: Date, version: Int64) {
        self.version = version
        updatedAt = time
        switch event {
        case .defined:
            break
        case .described(let change):
            description = change.description
            metadata = change.metadata
        case .variantsChanged(let change):
            variants = change.variants
            defaultVariant = change.defaultVariant
        case .enabled(let toggle):
            isEnabled = true
            completeScheduledChange(toggle.scheduledChangeId)
        case .disabled(let toggle):
            isEnabled = false
            completeScheduledChange(toggle.scheduledChangeId)
        case .prerequisitesChanged(let change):
            prerequisites = change.prerequisites
        case .rulesChanged(let change):
            rules = change.rules
        case .rolloutChanged(let change):
            rollout = change.rollout
            completeScheduledChange(change.scheduledChangeId)
        case .overrideSet(let override):
            overrides[override.tenantId] = override.variant
        case .overrideCleared(let cleared):
            overrides[cleared.tenantId] = nil
        case .entitlementsChanged(let change):
            entitlements = change.entitlements
        case .flagdTargetingChanged(let change):
            flagdTargeting = change.targeting
        case .changeScheduled(let scheduled):
            scheduledChanges.append(scheduled.change)
            scheduledChanges.sort { ($0.at, $0.id.uuidString) < ($1.at, $1.id.uuidString) }
        case .scheduledChangeCancelled(let cancelled):
            completeScheduledChange(cancelled.id)
        case .archived:
            isArchived = true
            scheduledChanges = []
        }
    }

    private mutating func completeScheduledChange(_ id: UUID?) {
        guard let id else { return }
        scheduledChanges.removeAll { $0.id == id }
    }

    /// Folds a flag's events, oldest first; nil when they do not start with FlagDefined.
    static func fold(_ events: [(event: FlagEvent, at: Date, version: Int64)]) -> Flag? {
        guard let first = events.first, case .defined(let defined) = first.event else { return nil }
        var flag = Flag(defined: defined, at: first.at, version: first.version)
        for next in events.dropFirst() { flag.apply(next.event, at: next.at, version: next.version) }
        return flag
    }
}
