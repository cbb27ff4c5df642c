public import Foundation

/// A change to make to a flag at a given time, applied by the server's scheduler (or `flag
/// apply-due`) by appending the change's own event, so history shows when it happened.
public struct ScheduledChange: Sendable, Hashable, Codable, Identifiable {
    public enum Action: Sendable, Hashable, Codable {
        case enable
        case disable
        case rollout(Rollout?)
    }

    public let id: UUID
    public let at: Date
    public let action: Action

    public init(id: UUID = UUID(), at: Date, action: Action) {
        self.id = id
        self.at = at
        self.action = action
    }
}

extension ScheduledChange.Action: CustomStringConvertible {
    public var description: String {
        switch self {
        case .enable: "enable"
        case .disable: "disable"
        case .rollout(nil): "remove rollout"
        case .rollout(let rollout?): "rollout " + rollout.splits.map { "\($0.variant ?? "(rest)")=\($0.weight)" }.joined(separator: " ")
        }
    }
}
