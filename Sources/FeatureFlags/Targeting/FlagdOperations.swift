/// flagd's own JsonLogic operations. Each answers `null` for arguments it cannot use (flagd
/// logs and returns nil), which a targeting reads as "no decision": the default variant.
enum FlagdOperations {
    // MARK: fractional

    /// `{"fractional": [bucketing?, [variant, weight?], …]}` with its arguments evaluated.
    static func fractional(
        _ arguments: [JSONValue], flagKey: String, targetingKey: String?, algorithm: FractionalAlgorithm
    ) -> JSONValue {
        var shares = arguments[...]
        let bucketingKey: String
        if case .string(let explicit)? = shares.first {
            bucketingKey = explicit
            shares = shares.dropFirst()
        } else {
            // A bucketing expression that came out null falls back to the targeting key (flagd
            // 0.10.1 on, both algorithms).
            if shares.first == .null { shares = shares.dropFirst() }
            guard let targetingKey, !targetingKey.isEmpty else { return .null }
            bucketingKey = flagKey + targetingKey
        }
        switch algorithm {
        case .v1:
            guard arguments.count >= 2 else { return .null }
            return legacyShare(of: bucketingKey, shares) ?? .null
        case .v2:
            guard !arguments.isEmpty else { return .null }
            return weightedShare(of: bucketingKey, shares) ?? .null
        }
    }

    /// v2: integer weights, `(hash × total) >> 32`.
    private static func weightedShare(of key: String, _ written: ArraySlice<JSONValue>) -> JSONValue? {
        var shares: [(variant: JSONValue, weight: UInt64)] = []
        var total: UInt64 = 0
        for share in written {
            guard case .array(let pair) = share, let variant = pair.first else { return nil }
            switch variant {
            case .string, .bool, .integer, .double, .null: break
            case .array, .object: return nil
            }
            var weight: Int64 = 1
            if pair.count > 1 {
                switch pair[1] {
                case .null: break
                case .integer(let number): weight = number
                case .double(let number) where number.rounded() == number && abs(number) < 9.0e15: weight = Int64(number)
                default: return nil
                }
            }
            guard weight <= Int64(Int32.max) else { return nil }
            let counted = UInt64(max(0, weight))
            total += counted
            guard total <= UInt64(Int32.max) else { return nil }
            shares.append((variant, counted))
        }
        guard total > 0 else { return nil }
        let bucket = (UInt64(MurmurHash3.x86_32(key.utf8)) * total) >> 32
        var end: UInt64 = 0
        for share in shares {
            end += share.weight
            if bucket < end { return share.variant }
        }
        return nil
    }

    /// v1: the hash's distance from zero as a percentage, walked over percentages; a key the
    /// walk does not place selects "" (no variant: flagd answers GENERAL).
    private static func legacyShare(of key: String, _ written: ArraySlice<JSONValue>) -> JSONValue? {
        var shares: [(variant: String, weight: Int64)] = []
        var total: Int64 = 0
        for share in written {
            guard case .array(let pair) = share, case .string(let variant)? = pair.first else { return nil }
            var weight: Int64 = 1
            if pair.count > 1, let number = pair[1].numericValue, number.isFinite, abs(number) < 9.0e15 {
                weight = Int64(number)
            }
            total += weight
            shares.append((variant, weight))
        }
        let hash = Int32(bitPattern: MurmurHash3.x86_32(key.utf8))
        let bucket = abs(Double(hash)) / Double(Int32.max) * 100
        var end = 0.0
        for share in shares {
            end += 100 * Double(share.weight) / Double(total)
            if bucket < end { return .string(share.variant) }
        }
        return .string("")
    }

    // MARK: sem_ver

    /// `{"sem_ver": [version, operator, version]}`: `=`, `!=`, `<`, `<=`, `>`, `>=`, `^`
    /// (same major) and `~` (same major and minor), after flagd's normalisation (numbers
    /// become text, a missing `v` is added, `1` and `1.2` are padded).
    static func semanticVersion(_ arguments: [JSONValue]) -> JSONValue {
        guard arguments.count == 3, case .string(let comparison) = arguments[1],
            let left = GoSemanticVersion(arguments[0]), let right = GoSemanticVersion(arguments[2])
        else { return .null }
        switch comparison {
        case "=": return .bool(left.compare(to: right) == 0)
        case "!=": return .bool(left.compare(to: right) != 0)
        case "<": return .bool(left.compare(to: right) < 0)
        case "<=": return .bool(left.compare(to: right) <= 0)
        case ">": return .bool(left.compare(to: right) > 0)
        case ">=": return .bool(left.compare(to: right) >= 0)
        case "^": return .bool(GoSemanticVersion.compareNumbers(left.major, right.major) == 0)
        case "~":
            return .bool(
                GoSemanticVersion.compareNumbers(left.major, right.major) == 0
                    && GoSemanticVersion.compareNumbers(left.minor, right.minor) == 0
            )
        default: return .null
        }
    }

    // MARK: starts_with, ends_with

    /// `{"starts_with": [text, prefix]}` and `ends_with`: two texts, compared byte for byte.
    static func affix(_ arguments: [JSONValue], atStart: Bool) -> JSONValue {
        guard arguments.count == 2, case .string(let text) = arguments[0], case .string(let affix) = arguments[1] else {
            return .null
        }
        return .bool(atStart ? text.utf8.starts(with: affix.utf8) : text.utf8.reversed().starts(with: affix.utf8.reversed()))
    }
}
