import Foundation

/// Converts between `Date` and `timestamptz` text. Connections run with `TimeZone=UTC` and
/// `DateStyle=ISO`, so the server prints `2026-11-25 07:54:56.123456+00`.
///
/// Parsing is plain arithmetic (days from the civil date), not a `Calendar`: reads of a million
/// events parse a million timestamps.
enum PostgresTimestamp {
    /// `2026-11-25 07:54:56.123456+00`, to the microsecond PostgreSQL keeps.
    static func format(_ date: Date) -> String {
        let microseconds = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        var seconds = microseconds / 1_000_000
        var fraction = microseconds % 1_000_000
        if fraction < 0 {
            fraction += 1_000_000
            seconds -= 1
        }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (year, month, day) = civilFromDays(Int(days))
        func pad(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(Int64(year), 4))-\(pad(Int64(month), 2))-\(pad(Int64(day), 2)) "
            + "\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
            + ".\(pad(fraction, 6))+00"
    }

    /// The civil date of a day number (days since 1970-01-01), Howard Hinnant's algorithm.
    private static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }

    /// Reads `YYYY-MM-DD HH:MM:SS[.ffffff][+HH[:MM]]`, the ISO style `timestamptz_out` writes.
    static func parse(_ text: UnsafeRawBufferPointer) -> Date? {
        var index = 0
        func number(_ count: Int) -> Int? {
            guard text.count - index >= count else { return nil }
            var value = 0
            for _ in 0..<count {
                let byte = text[index]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
                index += 1
            }
            return value
        }
        func expect(_ character: UInt8) -> Bool {
            guard index < text.count, text[index] == character else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect(45), let month = number(2), expect(45), let day = number(2),
              expect(32), let hour = number(2), expect(58), let minute = number(2), expect(58),
              let second = number(2)
        else { return nil }

        var microseconds = 0
        if expect(46) {
            var scale = 100_000
            while index < text.count, text[index] >= 48, text[index] <= 57 {
                microseconds += Int(text[index] - 48) * scale
                scale /= 10
                index += 1
            }
        }
        var offsetSeconds = 0
        if index < text.count, text[index] == 43 || text[index] == 45 {
            let sign = text[index]
            index += 1
            guard let hours = number(2) else { return nil }
            var minutes = 0
            if expect(58) { minutes = number(2) ?? 0 }
            offsetSeconds = (sign == 45 ? -1 : 1) * (hours * 3600 + minutes * 60)
        }
        guard index == text.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return date(seconds: Int64(seconds), microseconds: Int64(microseconds))
    }

    /// The instant of a binary `timestamptz`, computed as the text form's is, so both decode an
    /// instant to the same `Date`.
    static func date(microsecondsSince2000 value: Int64) -> Date {
        let (seconds, microseconds) = value.quotientAndRemainder(dividingBy: 1_000_000)
        return microseconds < 0
            ? date(seconds: seconds - 1 + secondsFrom1970To2000, microseconds: microseconds + 1_000_000)
            : date(seconds: seconds + secondsFrom1970To2000, microseconds: microseconds)
    }

    private static let secondsFrom1970To2000: Int64 = 946_684_800

    /// Whole seconds since 1970 and microseconds (0 ..< 1,000,000) as one `Date`.
    private static func date(seconds: Int64, microseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(seconds) + Double(microseconds) / 1_000_000)
    }

    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
