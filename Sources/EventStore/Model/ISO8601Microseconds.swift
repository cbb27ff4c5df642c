import Foundation

extension FormatStyle where Self == Date.ISO8601FormatStyle {
    /// `2026-11-25T07:54:56.123Z`: ISO 8601 in UTC with fractional seconds.
    static var iso8601Microseconds: Date.ISO8601FormatStyle {
        Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
    }
}
