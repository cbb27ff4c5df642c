/// The members each problem type shared by the tenant and admin APIs has, whichever API
/// answers: one constructor, one shape per type URI.
enum ProblemShapes {
    static let common: Set<String> = ["type", "title", "status", "detail"]
    static let planNotAllowed = common.union(["tenant", "plan", "reason", "selfServePlans"])
    static let planUnchanged = common.union(["tenant", "plan"])
    static let invalidTransition = common.union(["tenant", "state", "action"])
}
