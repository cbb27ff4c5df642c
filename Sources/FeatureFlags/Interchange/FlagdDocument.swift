/// flagd's JSON flag-definition format (https://flagd.dev/reference/flag-definitions/), so
/// flag definitions move between Tenantry and the OpenFeature ecosystem
/// (`tenantry flag export|import FILE`).
///
/// ## How a flag is written
///
/// `state`, `variants`, `defaultVariant` and `metadata` map one to one. The targeting is one
/// JsonLogic `if` chain that follows `FlagEvaluator`'s order, so the first branch that matches
/// is the one Tenantry would have chosen. flagd's schema takes `if` with exactly three
/// arguments, so each branch's else is the next `if`, and the last else is null:
///
/// 1. tenant overrides: `{"==": [{"var": "tenant.id"}, "<id>"]}`, or `in` a list of ids when
///    several tenants get the same variant;
/// 2. the rules, in order (see `JSONLogic` for the operators);
/// 3. the rollout as flagd's `fractional`. The share that is not rolled out must fall through
///    to the entitlements and the default, which a `fractional` cannot do by itself (it always
///    names a variant), so the rollout is the branch
///    `{"!=": [F, "$tenantry.fall-through"]}, F`: the same `fractional` F twice, which buckets
///    the same key identically both times, and the reserved name `fallThroughVariant` for the
///    share that falls through. A rollout that always serves a variant and is the last thing
///    in the chain is written as a plain `fractional` instead. A one-share rollout gets an
///    empty `paddingVariant` share, since flagd needs two;
/// 4. the plan entitlements, sorted by plan: `{"==": [{"var": "tenant.plan"}, "pro"]}`;
/// 5. a final null: flagd serves `defaultVariant` when the chain yields null.
///
/// A flag with none of these has no `targeting`. The flag's `description` (when not empty)
/// goes to metadata `description` (flagd's place for it, so import reads a string there as the
/// description), its type to `tenantry.type` (flagd infers types from the values, which cannot
/// tell an integer-valued double flag from an integer flag), and its prerequisites to
/// `tenantry.prerequisites` as `flag=variant,flag=variant`: JsonLogic cannot evaluate another
/// flag, so flagd itself ignores them. Archived flags and scheduled changes are not exported:
/// flagd has neither. A condition comparing with a list that holds objects or lists has no
/// JsonLogic spelling (JsonLogic would run the objects as operations), so such a flag exports
/// but does not import back.
///
/// ## Evaluating an export in flagd
///
/// Tenant attributes are read as `tenant.<name>`, which JsonLogic resolves in a `tenant`
/// object of the context, and a rollout without `bucketBy` hashes flagd's `targetingKey`, so a
/// flagd caller passes `{"targetingKey": "<tenant id>", "tenant": {"id": …, "plan": …}}` to
/// reproduce Tenantry's organisation-level stickiness. JsonLogic differs from Tenantry at the
/// edges: `==` is loose (`"1" == 1`), a missing attribute satisfies `!=` and `!in` (Tenantry
/// never matches a missing attribute), a rollout whose `bucketBy` attribute is missing still
/// buckets in flagd (on whatever `cat` makes of the missing value) where Tenantry answers
/// TARGETING_KEY_MISSING, and a disabled flag leaves flagd's caller to its own default where
/// Tenantry serves the default variant. (A flag imported from flagd has none of these
/// differences: it evaluates as flagd.)
///
/// ## What is imported
///
/// A flag from a flagd document keeps its JsonLogic and evaluates exactly as flagd does
/// (`FlagdTargeting`); a flag that carries `tenantry.type` without `tenantry.fractional` is
/// Tenantry's own export and is read back into Tenantry's targeting (`NativeTargeting`), which
/// refuses, naming the flag and the reason, what that model cannot say. See the FlagdMapping
/// article.
public enum FlagdDocument {
    /// The JSON schema flagd validates flag-definition documents against.
    public static let schema = "https://flagd.dev/schema/v0/flags.json"

    /// Metadata key that carries the flag's `FlagType` (`boolean`, `integer`, …).
    public static let typeMetadataKey = "tenantry.type"

    /// Metadata key that carries the flag's prerequisites as `flag=variant,flag=variant`.
    public static let prerequisitesMetadataKey = "tenantry.prerequisites"

    /// Metadata key that carries the `fractional` algorithm of a flag that evaluates as flagd
    /// (`v1`, `v2`). Export writes it for such flags, so import keeps them flagd's; a document
    /// written for flagd v0.11 to v0.14 sets `v1` to keep its users in their buckets.
    public static let fractionalMetadataKey = "tenantry.fractional"

    /// Metadata key that carries the flag's description.
    public static let descriptionMetadataKey = "description"

    /// The name a rollout's `fractional` gives the share that is not rolled out and falls
    /// through. It contains `$`, which no variant name may, so it never names a real variant.
    public static let fallThroughVariant = "$tenantry.fall-through"

    /// The name of the empty (weight 0) share added to a one-share rollout, because flagd
    /// refuses a `fractional` with fewer than two shares. Import drops it.
    public static let paddingVariant = "$tenantry.padding"
}

/// Why a flagd targeting expression has no Tenantry equivalent. Import turns it into
/// `FlagError.invalidDefinition("flag <key>: cannot import targeting: <reason>")`.
struct TargetingProblem: Error, Sendable {
    let reason: String

    init(_ reason: String) {
        self.reason = reason
    }
}

extension JSONValue {
    /// The value as compact JSON for an error message, cut short so a long expression does
    /// not bury the message.
    var excerpt: String {
        let text = compactJSON
        return text.count <= 120 ? text : String(text.prefix(117)) + "…"
    }
}
