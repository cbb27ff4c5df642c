import Foundation

/// How JsonLogic reads values, as flagd's Go library does: truthiness, the conversions to
/// number and text, loose and strict equality, ordering.
enum LogicValues {
    /// `false`, `null`, `0`, `""`, `[]` and `{}` are false; everything else (`"0"` too) true.
    static func isTruthy(_ value: JSONValue) -> Bool {
        switch value {
        case .null: false
        case .bool(let flag): flag
        case .integer(let number): number != 0
        case .double(let number): number != 0 && !number.isNaN
        case .string(let text): !text.isEmpty
        case .array(let elements): !elements.isEmpty
        case .object(let members): !members.isEmpty
        }
    }

    /// The number a comparison sees (JavaScript's conversion): booleans are 1 and 0, `null` and
    /// blank text 0, other text its number or NaN, lists and objects NaN.
    static func comparisonNumber(_ value: JSONValue) -> Double {
        switch value {
        case .null: 0
        case .bool(let flag): flag ? 1 : 0
        case .integer(let number): Double(number)
        case .double(let number): number
        case .string(let text):
            // Blank text is 0; otherwise Go's ParseFloat, which does not trim (" 5" is NaN).
            text.allSatisfy(\.isWhitespace) ? 0 : Double(text) ?? .nan
        case .array, .object: .nan
        }
    }

    /// The number arithmetic sees: text is parsed (0 when it is not a number); a boolean,
    /// `null`, a list or an object cannot be added, which flagd reports as PARSE_ERROR.
    static func arithmeticNumber(_ value: JSONValue) throws(LogicError) -> Double {
        switch value {
        case .integer(let number): return Double(number)
        case .double(let number): return number
        case .string(let text): return Double(text) ?? 0
        default: throw LogicError("arithmetic on \(value.typeName)")
        }
    }

    /// Text as `cat` writes a value: numbers without a needless fraction, `null` as nothing;
    /// booleans, lists and objects cannot be concatenated (PARSE_ERROR in flagd).
    static func text(_ value: JSONValue) throws(LogicError) -> String {
        switch value {
        case .string(let text): return text
        case .null: return ""
        case .integer(let number): return String(number)
        case .double(let number): return plainNumberText(number)
        default: throw LogicError("cat of \(value.typeName)")
        }
    }

    /// A number as Go's `strconv.FormatFloat(x, 'f', -1, 64)` writes it: no exponent.
    static func plainNumberText(_ number: Double) -> String {
        if number.rounded() == number, abs(number) < 1e18 { return String(Int64(number)) }
        if number.rounded() == number, number.isFinite { return String(format: "%.0f", number) }
        let shortest = "\(number)"
        guard shortest.contains("e") else { return shortest }
        // Very small fractions: Swift writes 1e-07; spell the digits out as Go does.
        return Decimal(number).description
    }

    /// A number as JSON (Go's `encoding/json`) writes it, which is the variant name a numeric
    /// targeting result selects: `1` for 1.0, an exponent from 1e21 on.
    static func jsonNumberText(_ number: Double) -> String {
        if number.rounded() == number, abs(number) < 1e21 { return plainNumberText(number) }
        let shortest = "\(number)"
        // Swift writes 1e+21 as "1e+21" already; Go writes the exponent without a zero pad.
        return shortest
    }

    /// `==`: `null` equals only `null`; two texts compare as text; anything else as numbers.
    static func looselyEqual(_ left: JSONValue, _ right: JSONValue) -> Bool {
        switch (left, right) {
        case (.null, .null): return true
        case (.null, _), (_, .null): return false
        case (.string(let a), .string(let b)): return a == b
        default:
            // Lists and objects are NaN, which equals nothing: JsonLogic (unlike JavaScript)
            // never equates [1] with 1.
            return comparisonNumber(left) == comparisonNumber(right)
        }
    }

    /// `===`: the same JSON type (integers and fractions are both numbers), then `==`; lists
    /// and objects are never strictly equal.
    static func strictlyEqual(_ left: JSONValue, _ right: JSONValue) -> Bool {
        switch (left, right) {
        case (.null, .null): return true
        case (.null, _), (_, .null): return false
        case (.string, .string), (.bool, .bool): return left == right
        case (.integer, .integer), (.integer, .double), (.double, .integer), (.double, .double):
            return comparisonNumber(left) == comparisonNumber(right)
        default: return false
        }
    }

    /// `<` and friends: two texts compare as text, anything else as numbers (NaN compares
    /// false).
    static func ordered(_ left: JSONValue, _ right: JSONValue, by comparison: LogicOperator) -> Bool {
        if case .string(let a) = left, case .string(let b) = right {
            // Byte order, as Go compares strings.
            let before = a.utf8.lexicographicallyPrecedes(b.utf8)
            let after = b.utf8.lexicographicallyPrecedes(a.utf8)
            switch comparison {
            case .less: return before
            case .lessOrEqual: return !after
            case .greater: return after
            default: return !before
            }
        }
        let a = comparisonNumber(left)
        let b = comparisonNumber(right)
        // The library's `<=` is `<` or `==`, and `==` with null holds only for two nulls: so
        // null <= 0 is false though null < 1 is true.
        let equal = left == .null || right == .null ? left == right : a == b
        switch comparison {
        case .less: return a < b
        case .lessOrEqual: return a < b || equal
        case .greater: return a > b
        default: return a > b || equal
        }
    }

    /// A number as a JSON value: whole numbers stay integers, so `1 + 1` selects variant "2".
    static func number(_ number: Double) -> JSONValue {
        if number.rounded() == number, abs(number) < 9.0e15 { return .integer(Int64(number)) }
        return .double(number)
    }
}

/// Why a JsonLogic expression could not be evaluated: flagd answers PARSE_ERROR.
struct LogicError: Error, Sendable, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
