import Foundation

/// A flagd targeting expression read as Tenantry's own targeting: overrides, rules, rollout and
/// entitlements that choose what the expression chooses (see `FlagdDocument`).
struct NativeTargeting {
    var overrides: [UUID: String] = [:]
    var rules: [TargetingRule] = []
    var rollout: Rollout?
    var entitlements: [String: String] = [:]

    private let flagKey: String
    private let variants: [String: JSONValue]

    init(
        _ targeting: JSONValue?, flagKey: String, variants: [String: JSONValue], defaultVariant: String?
    ) throws(TargetingProblem) {
        self.flagKey = flagKey
        self.variants = variants
        guard let targeting, targeting != .null, targeting != .object([:]) else { return }
        let chain = Chain(flattening: targeting)
        let branches = chain.branches

        var next = 0
        while next < branches.count, let tenants = Self.tenants(in: branches[next].condition) {
            let variant = try servedVariant(branches[next].result, branch: next + 1)
            for tenant in tenants where overrides[tenant] == nil { overrides[tenant] = variant }
            next += 1
        }

        let rulesEnd: Int
        if let guardIndex = branches[next...].firstIndex(where: { Self.guardedFractional($0.condition) != nil }) {
            rollout = try guardedRollout(branches[guardIndex], branch: guardIndex + 1)
            rulesEnd = guardIndex
            for index in (guardIndex + 1)..<branches.count {
                guard let plans = Self.plans(in: branches[index].condition) else {
                    throw TargetingProblem(
                        "branch \(index + 1) comes after the rollout but is not a tenant.plan entitlement; Tenantry evaluates every rule before the rollout"
                    )
                }
                try entitle(plans, branches[index], branch: index + 1)
            }
        } else if let last = chain.otherwise, FlagdFractional.isFractional(last) {
            // A rollout that ends the chain: every branch before it is a rule.
            rulesEnd = branches.count
        } else {
            // Without a rollout, plan branches at the end of the chain choose exactly what
            // entitlements (tried right after the rules) would.
            var start = branches.count
            while start > next, Self.plans(in: branches[start - 1].condition) != nil { start -= 1 }
            rulesEnd = start
            for index in start..<branches.count {
                try entitle(Self.plans(in: branches[index].condition) ?? [], branches[index], branch: index + 1)
            }
        }

        for index in next..<rulesEnd {
            let branch = branches[index]
            if FlagdFractional.isFractional(branch.result) {
                throw TargetingProblem(
                    "branch \(index + 1) rolls out only under a condition; Tenantry's rollout covers everyone no override or rule matched"
                )
            }
            let condition: Condition
            do {
                condition = try JSONLogic.condition(from: branch.condition)
            } catch {
                throw TargetingProblem("branch \(index + 1): \(error.reason)")
            }
            let variant = try servedVariant(branch.result, branch: index + 1)
            rules.append(TargetingRule(name: "r\(rules.count + 1)", condition: condition, variant: variant))
        }

        switch chain.otherwise {
        case nil, .null?:
            break
        case let last? where FlagdFractional.isFractional(last):
            guard rollout == nil else { throw TargetingProblem("the chain has two rollouts; Tenantry has one") }
            rollout = try FlagdFractional.rollout(from: last, flagKey: flagKey, variants: variants, fallThrough: .null)
        case let last?:
            guard let name = variantName(last) else {
                throw TargetingProblem("the chain ends with \(last.excerpt), which is not a variant name")
            }
            guard name == defaultVariant else {
                throw TargetingProblem(
                    "the chain serves \"\(name)\" to everyone no branch matches, but Tenantry serves the default variant \"\(defaultVariant ?? "")\" then; make \"\(name)\" the default variant or end the chain with null"
                )
            }
        }
    }

    // MARK: Branches

    /// The variant a branch result names: a variant name, or a boolean that flagd reads as the
    /// variant named "true" or "false".
    private func variantName(_ result: JSONValue) -> String? {
        switch result {
        case .string(let name) where variants[name] != nil: name
        case .bool(let flag) where variants[String(flag)] != nil: String(flag)
        default: nil
        }
    }

    private func servedVariant(_ result: JSONValue, branch: Int) throws(TargetingProblem) -> String {
        if let name = variantName(result) { return name }
        switch result {
        case .string(let name):
            throw TargetingProblem("branch \(branch) serves \"\(name)\", which is not a variant of the flag")
        case .null:
            throw TargetingProblem(
                "branch \(branch) serves null (flagd's default, reason DEFAULT), which a Tenantry rule cannot; serve the default variant by name"
            )
        default:
            throw TargetingProblem("branch \(branch) serves \(result.excerpt), which is not a variant name")
        }
    }

    private mutating func entitle(
        _ plans: [String], _ branch: (condition: JSONValue, result: JSONValue), branch number: Int
    ) throws(TargetingProblem) {
        let variant = try servedVariant(branch.result, branch: number)
        // The first branch for a plan is the one that matches; later ones never do.
        for plan in plans where entitlements[plan] == nil { entitlements[plan] = variant }
    }

    private func guardedRollout(_ branch: (condition: JSONValue, result: JSONValue), branch number: Int) throws(TargetingProblem) -> Rollout {
        guard let fractional = Self.guardedFractional(branch.condition), fractional == branch.result else {
            throw TargetingProblem("the rollout guard in branch \(number) tests a different fractional than it serves")
        }
        return try FlagdFractional.rollout(from: fractional, flagKey: flagKey, variants: variants, fallThrough: .placeholder)
    }

    // MARK: Shapes

    /// The `fractional` F of the guard `{"!=": [F, "$tenantry.fall-through"]}`.
    private static func guardedFractional(_ condition: JSONValue) -> JSONValue? {
        guard let (name, arguments) = JSONLogic.decompose(condition), name == "!=" || name == "!==", arguments.count == 2 else {
            return nil
        }
        let placeholder = JSONValue.string(FlagdDocument.fallThroughVariant)
        if FlagdFractional.isFractional(arguments[0]), arguments[1] == placeholder { return arguments[0] }
        if FlagdFractional.isFractional(arguments[1]), arguments[0] == placeholder { return arguments[1] }
        return nil
    }

    /// The tenants of `tenant.id == "<id>"` or `tenant.id in [ids]`, when every id is a
    /// lower-case UUID (the only spelling `tenant.id` ever has, so only then is the branch the
    /// same as an override).
    static func tenants(in condition: JSONValue) -> [UUID]? {
        guard let values = listedValues(in: condition, attribute: "tenant.id") else { return nil }
        var tenants: [UUID] = []
        for value in values {
            guard case .string(let text) = value, let tenant = UUID(uuidString: text), tenant.uuidString.lowercased() == text else {
                return nil
            }
            tenants.append(tenant)
        }
        return tenants
    }

    /// The plans of `tenant.plan == "<plan>"` or `tenant.plan in [plans]`.
    private static func plans(in condition: JSONValue) -> [String]? {
        guard let values = listedValues(in: condition, attribute: "tenant.plan") else { return nil }
        var plans: [String] = []
        for value in values {
            guard case .string(let plan) = value else { return nil }
            plans.append(plan)
        }
        return plans
    }

    /// The values of `attribute == value` (either way round) or `attribute in [values]`.
    private static func listedValues(in condition: JSONValue, attribute: String) -> [JSONValue]? {
        guard let (name, arguments) = JSONLogic.decompose(condition), arguments.count == 2 else { return nil }
        func reads(_ expression: JSONValue) -> Bool {
            (try? JSONLogic.attributeName(expression)) == attribute
        }
        switch name {
        case "==", "===":
            if reads(arguments[0]) { return [arguments[1]] }
            if reads(arguments[1]) { return [arguments[0]] }
            return nil
        case "in":
            guard reads(arguments[0]), case .array(let values) = arguments[1], !values.isEmpty else { return nil }
            return values
        default:
            return nil
        }
    }
}

/// A targeting expression as the flat `if` chain it is: condition/result pairs in order and
/// the final else. An `if` in the else position continues the chain, so nested and flat
/// spellings read alike.
private struct Chain {
    var branches: [(condition: JSONValue, result: JSONValue)] = []
    var otherwise: JSONValue?

    init(flattening targeting: JSONValue) {
        var current: JSONValue? = targeting
        while let expression = current {
            guard let (name, arguments) = JSONLogic.decompose(expression), name == "if" else {
                otherwise = expression
                return
            }
            var index = 0
            while index + 1 < arguments.count {
                branches.append((arguments[index], arguments[index + 1]))
                index += 2
            }
            current = index < arguments.count ? arguments[index] : nil
        }
    }
}
