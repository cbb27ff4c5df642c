import Foundation

/// The rule for the reason an operator or an admin client gives for a change, recorded in the
/// events' metadata: the CLI and the admin API check it the same way before anything is written.
public enum ChangeReason {
    public static let maximumLength = 500

    /// Why `reason` is not usable, or nil when it is: it must say something, in 1 to 500
    /// characters, none of them U+0000 (which PostgreSQL cannot store).
    public static func problem(_ reason: String) -> String? {
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= maximumLength else {
            return "the reason must say why, in 1 to \(maximumLength) characters"
        }
        guard !reason.utf8.contains(0) else {
            return "the reason contains U+0000 (NUL), which cannot be stored; remove it"
        }
        return nil
    }
}
