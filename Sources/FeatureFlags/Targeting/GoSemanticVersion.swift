/// A version as flagd's `sem_ver` reads it (Go's `golang.org/x/mod/semver` after flagd's
/// normalisation): any value is turned into text (`1` and `1.2` too), a leading `V` becomes
/// `v` and a missing `v` is added; `v1` and `v1.2` stand for `v1.0.0` and `v1.2.0`; leading
/// zeros, a fourth number and empty identifiers are invalid. Numbers are compared as digit
/// strings, so they may be of any length.
struct GoSemanticVersion {
    let major: Substring
    let minor: Substring
    let patch: Substring
    let preRelease: [Substring]

    init?(_ value: JSONValue) {
        var text: String
        switch value {
        case .string(let written): text = written
        case .integer(let number): text = String(number)
        // Go's %v: the shortest form, so 1.0 is "1" and 1.2 is "1.2".
        case .double(let number): text = number.rounded() == number && abs(number) < 1e21 ? LogicValues.plainNumberText(number) : "\(number)"
        default: return nil
        }
        if !text.hasPrefix("v") {
            if text.hasPrefix("V") { text.removeFirst() }
            text = "v" + text
        }
        self.init(parsing: Substring(text.dropFirst()))
    }

    private init?(parsing text: Substring) {
        var rest = text
        guard let major = Self.number(&rest) else { return nil }
        self.major = major
        guard !rest.isEmpty else {
            (minor, patch, preRelease) = ("0", "0", [])
            return
        }
        guard rest.first == ".", let minor = Self.number(&rest, afterDot: true) else { return nil }
        self.minor = minor
        guard !rest.isEmpty else {
            (patch, preRelease) = ("0", [])
            return
        }
        guard rest.first == ".", let patch = Self.number(&rest, afterDot: true) else { return nil }
        self.patch = patch
        var preRelease: [Substring] = []
        if rest.first == "-" {
            let end = rest.firstIndex(of: "+") ?? rest.endIndex
            preRelease = rest[rest.index(after: rest.startIndex)..<end].split(separator: ".", omittingEmptySubsequences: false)
            guard preRelease.allSatisfy(Self.isPreReleaseIdentifier) else { return nil }
            rest = rest[end...]
        }
        if rest.first == "+" {
            let build = rest.dropFirst().split(separator: ".", omittingEmptySubsequences: false)
            guard build.allSatisfy({ !$0.isEmpty && $0.allSatisfy(Self.isIdentifierCharacter) }) else { return nil }
            rest = rest[rest.endIndex...]
        }
        guard rest.isEmpty else { return nil }
        self.preRelease = preRelease
    }

    /// Digits without a leading zero (a lone 0 is fine), taken off the front of `text`.
    private static func number(_ text: inout Substring, afterDot: Bool = false) -> Substring? {
        if afterDot { text = text.dropFirst() }
        let digits = text.prefix(while: { $0.isASCII && $0.isNumber })
        guard !digits.isEmpty, digits == "0" || digits.first != "0" else { return nil }
        text = text.dropFirst(digits.count)
        return digits
    }

    private static func isIdentifierCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "-")
    }

    private static func isPreReleaseIdentifier(_ identifier: Substring) -> Bool {
        guard !identifier.isEmpty, identifier.allSatisfy(isIdentifierCharacter) else { return false }
        let numeric = identifier.allSatisfy(\.isNumber)
        return !numeric || identifier == "0" || identifier.first != "0"
    }

    /// Compares two digit strings as numbers.
    static func compareNumbers(_ left: Substring, _ right: Substring) -> Int {
        if left.count != right.count { return left.count < right.count ? -1 : 1 }
        return left == right ? 0 : (left < right ? -1 : 1)
    }

    /// Semantic-version precedence; build metadata does not count.
    func compare(to other: GoSemanticVersion) -> Int {
        for (left, right) in [(major, other.major), (minor, other.minor), (patch, other.patch)] {
            let order = Self.compareNumbers(left, right)
            if order != 0 { return order }
        }
        switch (preRelease.isEmpty, other.preRelease.isEmpty) {
        case (true, true): return 0
        case (true, false): return 1
        case (false, true): return -1
        case (false, false): break
        }
        for (left, right) in zip(preRelease, other.preRelease) where left != right {
            let leftNumeric = left.allSatisfy(\.isNumber)
            let rightNumeric = right.allSatisfy(\.isNumber)
            switch (leftNumeric, rightNumeric) {
            case (true, true): return Self.compareNumbers(left, right)
            case (true, false): return -1
            case (false, true): return 1
            case (false, false): return left < right ? -1 : 1
            }
        }
        return preRelease.count == other.preRelease.count ? 0 : (preRelease.count < other.preRelease.count ? -1 : 1)
    }
}
