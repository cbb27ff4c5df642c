public import EventStore

/// Where flags live in the event store: `flag-<key>` under the control-plane tenant.
public enum FlagStreams {
    public static let category = "flag"

    public static func stream(_ key: FlagKey) -> StreamName {
        // A flag key is a valid stream id by construction (FlagKey's alphabet).
        StreamName(unchecked: "\(category)-\(key.rawValue)")
    }
}
