public import Foundation

/// Which top-level fields of an event's data are personal, and whose key seals them.
///
/// The store seals each such field with AES-256-GCM under a data key of the tenant the data is
/// about (and of one data subject, when given) before the event is written, and opens it on
/// every read. Forgetting the key (`tenantry tenant forget`) erases the fields for good: reads,
/// the feed, projections and exports then show `PersonalData.erased(kind:)` in their place,
/// with no error and no gap, and list them in `RecordedEvent.erasedFields`.
public struct PersonalData: Sendable, Hashable {
    /// What an erased string field reads as.
    public static let erasedText = "[erased]"

    /// The personal fields: names of top-level members of the data, sorted, each once.
    public let fields: [String]
    /// The data subject whose key seals the fields (an opaque id the tenant chose, never an
    /// email: it is stored in clear until forgotten); nil for the tenant's own key.
    public let subject: String?
    /// The tenant the data is about, when it is not the stream's (the control plane's events
    /// about a tenant are sealed with that tenant's key, so forgetting it erases them too).
    public let owner: UUID?

    /// Marks `fields` personal. Refuses an empty list, a field or subject name that is empty,
    /// longer than 200 characters or holds U+0000, naming which.
    public init(fields: some Sequence<String>, subject: String? = nil, owner: UUID? = nil) throws(EventStoreError) {
        let names = Array(Set(fields)).sorted()
        guard !names.isEmpty else {
            throw .invalidEvent("invalid event: personal data names at least one field")
        }
        for name in names where !Self.isValidName(name) {
            throw .invalidEvent("invalid event: personal field name \"\(name)\" must be 1 to 200 characters without U+0000")
        }
        if let subject, !Self.isValidName(subject) {
            throw .invalidEvent("invalid event: a data subject must be 1 to 200 characters without U+0000")
        }
        self.fields = names
        self.subject = subject
        self.owner = owner
    }

    /// The JSON value an erased field of `kind` reads as: the same kind of value, so typed
    /// readers decode erased events as they decode any other.
    public static func erased(kind: JSONKind) -> String {
        switch kind {
        case .string: "\"\(erasedText)\""
        case .number: "0"
        case .boolean: "false"
        case .object: "{}"
        case .array: "[]"
        case .null: "null"
        }
    }

    /// The kind of a JSON value, kept beside a sealed field so its erased form has the same kind.
    public enum JSONKind: String, Codable, Sendable, Hashable, CaseIterable {
        case string, number, boolean, object, array, null
    }

    private static func isValidName(_ name: String) -> Bool {
        (1...200).contains(name.unicodeScalars.count) && !name.utf8.contains(0)
    }
}
