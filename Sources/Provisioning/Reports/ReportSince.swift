public import Foundation

/// The start of a report's period, as people write it: an ISO 8601 date or timestamp
/// (`2026-01-31`, `2026-01-31T09:00:00Z`) or an age back from now (`36h`, `7d`, `4w`). The
/// CLI (`report funnel --since`) and the admin API (`?since=`) both read it here.
public struct ReportSince: Sendable, Hashable {
    public let text: String
    /// The age, for the relative form; the instant is computed when the report runs.
    private let age: TimeInterval?
    private let instant: Date?

    /// The longest age accepted: a century (876600h, 36525d, 5218w). Beyond it the start would
    /// soon be before the year 1, which no ISO 8601 report can name.
    public static let maximumAge: TimeInterval = 36_525 * 86_400

    /// Nil when `text` is neither form, or an age beyond `maximumAge`.
    public init?(_ text: String) {
        self.text = text
        if let unit = text.last, let count = Int(text.dropLast()), count >= 0 {
            let seconds: TimeInterval? = switch unit {
            case "h": 3600
            case "d": 86_400
            case "w": 7 * 86_400
            default: nil
            }
            if let seconds {
                guard Double(count) * seconds <= Self.maximumAge else { return nil }
                age = Double(count) * seconds
                instant = nil
                return
            }
        }
        let timestamp = try? Date(text, strategy: Date.ISO8601FormatStyle())
        let fractional = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        let day = try? Date(text, strategy: Date.ISO8601FormatStyle().year().month().day())
        guard let date = timestamp ?? fractional ?? day else { return nil }
        age = nil
        instant = date
    }

    /// The instant meant, relative ages counted back from `now`.
    public func date(now: Date = Date()) -> Date {
        if let instant { return instant }
        return now.addingTimeInterval(-(age ?? 0))
    }
}
