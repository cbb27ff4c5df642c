/// A semantic version (semver.org 2.0.0) for the `semver-*` operators; a leading `v` is
/// accepted, build metadata is ignored in comparisons, pre-releases sort before the release.
struct SemanticVersion: Comparable, Sendable {
    let major: UInt64
    let minor: UInt64
    let patch: UInt64
    let preRelease: [String]

    /// Parses `text` byte by byte: a version without a pre-release allocates nothing, since
    /// rules compare the caller's version on every evaluation.
    init?(_ text: String) {
        var bytes = text.utf8[...]
        if let first = bytes.first, first == UInt8(ascii: "v") || first == UInt8(ascii: "V") { bytes = bytes.dropFirst() }
        if let plus = bytes.firstIndex(of: UInt8(ascii: "+")) { bytes = bytes[..<plus] }
        var preRelease: [String] = []
        if let dash = bytes.firstIndex(of: UInt8(ascii: "-")) {
            let identifiers = bytes[bytes.index(after: dash)...].split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
            // semver.org (and flagd) refuse empty identifiers and leading zeros: 1.2.3-01.
            guard identifiers.allSatisfy({ !$0.isEmpty && !Self.hasLeadingZero($0) }) else { return nil }
            preRelease = identifiers.map { String(decoding: $0, as: UTF8.self) }
            bytes = bytes[..<dash]
        }
        // Three dot-separated numbers, found in place (a `split` would allocate an array).
        var numbers: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var count = 0
        var start = bytes.startIndex
        while true {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: ".")) ?? bytes.endIndex
            guard count < 3, let number = Self.number(bytes[start..<end]) else { return nil }
            switch count {
            case 0: numbers.0 = number
            case 1: numbers.1 = number
            default: numbers.2 = number
            }
            count += 1
            guard end < bytes.endIndex else { break }
            start = bytes.index(after: end)
        }
        guard count == 3 else { return nil }
        (major, minor, patch) = numbers
        self.preRelease = preRelease
    }

    /// Decimal digits without a leading zero (a lone 0 is fine), within `UInt64`.
    private static func number(_ digits: Substring.UTF8View.SubSequence) -> UInt64? {
        guard !digits.isEmpty, !hasLeadingZero(digits) else { return nil }
        var value: UInt64 = 0
        for byte in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            let (times, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, carry) = times.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            guard !overflow, !carry else { return nil }
            value = sum
        }
        return value
    }

    /// A numeric identifier of more than one digit that starts with 0.
    private static func hasLeadingZero(_ part: Substring.UTF8View.SubSequence) -> Bool {
        part.count > 1 && part.first == UInt8(ascii: "0") && part.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    static func < (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool {
        if (lhs.major, lhs.minor, lhs.patch) != (rhs.major, rhs.minor, rhs.patch) {
            return (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
        }
        // A release sorts after its pre-releases.
        switch (lhs.preRelease.isEmpty, rhs.preRelease.isEmpty) {
        case (true, true), (true, false): return false
        case (false, true): return true
        case (false, false): break
        }
        for (left, right) in zip(lhs.preRelease, rhs.preRelease) where left != right {
            switch (UInt64(left), UInt64(right)) {
            case let (leftNumber?, rightNumber?): return leftNumber < rightNumber
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return left < right
            }
        }
        return lhs.preRelease.count < rhs.preRelease.count
    }

    static func == (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) == (rhs.major, rhs.minor, rhs.patch) && lhs.preRelease == rhs.preRelease
    }
}
