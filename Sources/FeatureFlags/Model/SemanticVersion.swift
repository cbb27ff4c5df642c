/// A semantic version (semver.org 2.0.0) for the `semver-*` operators; a leading `v` is
/// accepted, build metadata is ignored in comparisons, pre-releases sort before the release.
struct SemanticVersion: Comparable, Sendable {
    let major: UInt64
    let minor: UInt64
    let patch: UInt64
    let preRelease: [String]

    init?(_ text: String) {
        var text = Substring(text)
        if text.first == "v" || text.first == "V" { text = text.dropFirst() }
        if let plus = text.firstIndex(of: "+") { text = text[..<plus] }
        var preRelease: [String] = []
        if let dash = text.firstIndex(of: "-") {
            preRelease = text[text.index(after: dash)...].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard !preRelease.isEmpty, preRelease.allSatisfy({ !$0.isEmpty }) else { return nil }
            text = text[..<dash]
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        // semver.org (and flagd) refuse leading zeros in numbers: 01.2.3, 1.2.3-01.
        func hasLeadingZero(_ part: Substring) -> Bool { part.count > 1 && part.first == "0" && part.allSatisfy(\.isNumber) }
        guard parts.count == 3, !parts.contains(where: hasLeadingZero), !preRelease.contains(where: { hasLeadingZero(Substring($0)) }),
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) }),
            let major = UInt64(parts[0]), let minor = UInt64(parts[1]), let patch = UInt64(parts[2])
        else {
            return nil
        }
        self.major = major
        self.minor = minor
        self.patch = patch
        self.preRelease = preRelease
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
