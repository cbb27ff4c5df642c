/// A `Rollout` as flagd's `fractional` operator and back. Both hash MurmurHash3 (x86, 32 bits,
/// seed 0) of the flag key followed by the bucketing value and walk the same cumulative
/// weights, so a key lands in the same split on either side.
enum FlagdFractional {
    /// `{"fractional": [bucketing?, [variant, weight], …]}`. Without `bucketBy` there is no
    /// bucketing expression: flagd then hashes the flag key followed by `targetingKey`, as
    /// Tenantry hashes it followed by the effective targeting key. With `bucketBy` the
    /// expression spells out the same concatenation.
    static func expression(for rollout: Rollout) -> JSONValue {
        var arguments: [JSONValue] = []
        if let attribute = rollout.bucketBy {
            arguments.append(JSONLogic.operation("cat", [JSONLogic.variable("$flagd.flagKey"), JSONLogic.variable(attribute)]))
        }
        for split in rollout.splits {
            arguments.append(.array([.string(split.variant ?? FlagdDocument.fallThroughVariant), .integer(Int64(split.weight))]))
        }
        if rollout.splits.count == 1 {
            // flagd refuses a fractional with a single share; an empty one is never chosen.
            arguments.append(.array([.string(FlagdDocument.paddingVariant), 0]))
        }
        return JSONLogic.operation("fractional", arguments)
    }

    static func isFractional(_ expression: JSONValue) -> Bool {
        JSONLogic.decompose(expression)?.name == "fractional"
    }

    /// How the share that falls through is spelled in the `fractional` being read.
    enum FallThrough {
        /// Inside Tenantry's guard (`{"!=": [F, placeholder]}, F`): the reserved placeholder.
        case placeholder
        /// A bare `fractional` that ends the chain: a null variant, which flagd (like Tenantry,
        /// with nothing after the rollout) answers with the default variant.
        case null
    }

    /// The rollout a `fractional` describes for flag `flagKey`.
    static func rollout(
        from expression: JSONValue, flagKey: String, variants: [String: JSONValue], fallThrough: FallThrough
    ) throws(TargetingProblem) -> Rollout {
        guard let (_, arguments) = JSONLogic.decompose(expression) else { throw TargetingProblem("expected a fractional") }
        var splitArguments = arguments[...]
        var bucketBy: String?
        if let first = splitArguments.first {
            switch first {
            case .array:
                break
            case .null:
                // flagd skips a null bucketing expression and hashes the targeting key.
                splitArguments = splitArguments.dropFirst()
            default:
                bucketBy = try bucketingAttribute(first, flagKey: flagKey)
                splitArguments = splitArguments.dropFirst()
            }
        }
        guard !splitArguments.isEmpty else { throw TargetingProblem("fractional needs at least one [variant, weight]") }
        var splits: [Rollout.Split] = []
        for argument in splitArguments {
            if case .array(let pair) = argument, pair.first == .string(FlagdDocument.paddingVariant) {
                guard pair.count == 2, pair[1].numericValue == 0 else {
                    throw TargetingProblem("the \(FlagdDocument.paddingVariant) share must weigh 0, not \(argument.excerpt)")
                }
                continue
            }
            splits.append(try split(argument, variants: variants, fallThrough: fallThrough))
        }
        guard !splits.isEmpty else { throw TargetingProblem("fractional needs at least one [variant, weight]") }
        return Rollout(splits: splits, bucketBy: bucketBy)
    }

    /// The attribute of `{"cat": [{"var": "$flagd.flagKey"}, {"var": "<attribute>"}]}` (or the
    /// flag key written out instead of `$flagd.flagKey`): the only bucketing Tenantry shares,
    /// because its hash always starts with the flag key.
    private static func bucketingAttribute(_ expression: JSONValue, flagKey: String) throws(TargetingProblem) -> String {
        if let (name, parts) = JSONLogic.decompose(expression), name == "cat", parts.count == 2,
            parts[0] == JSONLogic.variable("$flagd.flagKey") || parts[0] == .object(["var": .array(["$flagd.flagKey"])])
                || parts[0] == .string(flagKey),
            let attribute = try JSONLogic.attributeName(parts[1])
        {
            return attribute
        }
        throw TargetingProblem(
            "fractional buckets by \(expression.excerpt); Tenantry hashes the flag key followed by one attribute, so use no bucketing expression or {\"cat\": [{\"var\": \"$flagd.flagKey\"}, {\"var\": \"<attribute>\"}]}"
        )
    }

    private static func split(
        _ argument: JSONValue, variants: [String: JSONValue], fallThrough: FallThrough
    ) throws(TargetingProblem) -> Rollout.Split {
        guard case .array(let pair) = argument, (1...2).contains(pair.count) else {
            throw TargetingProblem("a fractional share must be [variant, weight], not \(argument.excerpt)")
        }
        let variant: String?
        switch (pair[0], fallThrough) {
        case (.string(FlagdDocument.fallThroughVariant), .placeholder), (.null, .null):
            variant = nil
        case (.string(let name), _) where variants[name] != nil:
            variant = name
        case (.string(let name), _):
            throw TargetingProblem("fractional names \"\(name)\", which is not a variant of the flag")
        default:
            throw TargetingProblem("a fractional share must name a variant, not \(pair[0].excerpt)")
        }
        // flagd weighs a share without a weight (or with a null one) as 1.
        var weight = 1
        if pair.count == 2 {
            switch pair[1] {
            case .null:
                break
            case .integer(let integer) where (0...Int64(Int32.max)).contains(integer):
                weight = Int(integer)
            case .double(let double) where double.rounded() == double && (0...Double(Int32.max)).contains(double):
                weight = Int(double)
            default:
                throw TargetingProblem("a fractional weight must be a whole number from 0 to 2147483647, not \(pair[1].excerpt)")
            }
        }
        return Rollout.Split(variant: variant, weight: weight)
    }
}
