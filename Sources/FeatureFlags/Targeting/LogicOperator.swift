/// The JsonLogic operations flagd evaluates: JsonLogic's own (as the Go library flagd uses,
/// diegoholiveira/jsonlogic v3) and flagd's four (`fractional`, `sem_ver`, `starts_with`,
/// `ends_with`).
enum LogicOperator: String, Sendable, CaseIterable {
    case variable = "var"
    case missing
    case missingSome = "missing_some"
    case ifThenElse = "if"
    case ternary = "?:"
    case equal = "=="
    case strictEqual = "==="
    case notEqual = "!="
    case strictNotEqual = "!=="
    case not = "!"
    case doubleNot = "!!"
    case or
    case and
    case greater = ">"
    case greaterOrEqual = ">="
    case less = "<"
    case lessOrEqual = "<="
    case max
    case min
    case plus = "+"
    case minus = "-"
    case times = "*"
    case divide = "/"
    case modulo = "%"
    case map
    case filter
    case reduce
    case all
    case none
    case some
    case merge
    case `in`
    case cat
    case substr
    case fractional
    case semanticVersion = "sem_ver"
    case startsWith = "starts_with"
    case endsWith = "ends_with"

    /// Operations that decide themselves which arguments to evaluate (and over which data);
    /// every other operation gets its arguments evaluated first, as JsonLogic does.
    var isLazy: Bool {
        switch self {
        case .ifThenElse, .ternary, .and, .or, .map, .filter, .reduce, .all, .none, .some: true
        default: false
        }
    }
}
