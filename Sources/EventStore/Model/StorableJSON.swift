import Foundation

/// The check that keeps text PostgreSQL cannot store out of the event store: `jsonb` refuses a
/// string holding U+0000 (`\u0000` in JSON text; SQLSTATE 22P05), so an event carrying one is
/// refused when it is made, with the JSON path of the offending field, before anything is
/// written. Every writer (the HTTP API, the CLI's JSON arguments, flag import files,
/// customizations) goes through `NewEvent`, so none can reach the database with one.
enum StorableJSON {
    /// The JSON path (`reason`, `variants.on`, `rules[0].name`) of the first string or key in
    /// `json` (one JSON document, as text) holding U+0000; nil when there is none.
    static func firstUnstorableField(in json: String) -> String? {
        // Only an escape can put U+0000 in valid JSON text; most documents have none.
        guard json.contains(#"\u0000"#) else { return nil }
        guard let value = try? JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed]) else {
            return nil
        }
        return firstUnstorableField(in: value, at: "")
    }

    private static func firstUnstorableField(in value: Any, at path: String) -> String? {
        switch value {
        case let text as String:
            return text.utf8.contains(0) ? path : nil
        case let items as [Any]:
            for (index, item) in items.enumerated() {
                if let found = firstUnstorableField(in: item, at: path + "[\(index)]") { return found }
            }
            return nil
        case let members as [String: Any]:
            for key in members.keys.sorted() {
                let memberPath = path.isEmpty ? key : path + "." + key
                if key.utf8.contains(0) { return memberPath }
                if let member = members[key], let found = firstUnstorableField(in: member, at: memberPath) { return found }
            }
            return nil
        default:
            return nil
        }
    }
}
