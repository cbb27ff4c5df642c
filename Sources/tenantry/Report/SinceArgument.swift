import ArgumentParser
import Foundation

/// A point in time given as an ISO 8601 date or timestamp (`2026-01-31`,
/// `2026-01-31T09:00:00Z`) or as an age back from now (`36h`, `7d`, `4w`).
struct SinceArgument: ExpressibleByArgument, Sendable {
    let text: String
    /// The age, for the relative form; the instant is computed when the command runs.
    private let age: TimeInterval?
    private let instant: Date?

    init?(argument: String) {
        text = argument
        if let unit = argument.last, let count = Int(argument.dropLast()), count >= 0 {
            let seconds: TimeInterval? = switch unit {
            case "h": 3600
            case "d": 86_400
            case "w": 7 * 86_400
            default: nil
            }
            if let seconds {
                age = Double(count) * seconds
                instant = nil
                return
            }
        }
        let timestamp = try? Date(argument, strategy: Date.ISO8601FormatStyle())
        let fractional = try? Date(argument, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        let day = try? Date(argument, strategy: Date.ISO8601FormatStyle().year().month().day())
        guard let date = timestamp ?? fractional ?? day else { return nil }
        age = nil
        instant = date
    }

    /// The instant meant, relative ages counted back from `now`.
    func date(now: Date = Date()) -> Date {
        if let instant { return instant }
        return now.addingTimeInterval(-(age ?? 0))
    }
}
