import Foundation

/// The rule for the reason an operator or an admin client gives for a change, recorded in the
/// events' metadata: the CLI and the admin API check it the same way before anything is written.
public enum ChangeReason {
    public static let maximumLength = 500

    /// Why `reason` is not usable, or nil when it is: it must say something, in 1 to 500
    /// characters.
    public static func problem(_ reason: String) -> String? {
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= maximumLength else {
            return "the reason must say why, in 1 to \(maximumLength) characters"
        }
        return nil
    }
}
