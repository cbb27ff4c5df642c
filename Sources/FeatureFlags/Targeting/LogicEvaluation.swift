/// Evaluates a compiled JsonLogic expression as flagd does: JsonLogic's operations with the
/// Go library's conversions (`LogicValues`) and flagd's own operations (`FlagdOperations`).
struct LogicEvaluation {
    let scope: TargetingScope
    let fractional: FractionalAlgorithm

    /// What `var` reads: the flag's scope, or inside `map`, `filter`, `reduce`, `all`, `none`
    /// and `some` the element at hand.
    enum Data {
        case scope
        case value(JSONValue)
    }

    func evaluate(_ node: LogicNode, data: Data = .scope) throws(LogicError) -> JSONValue {
        switch node {
        case .literal(let value):
            return value
        case .list(let nodes):
            var values: [JSONValue] = []
            values.reserveCapacity(nodes.count)
            for node in nodes { values.append(try evaluate(node, data: data)) }
            return .array(values)
        case .unsupported(let name):
            throw LogicError("the operator \"\(name)\" is not supported")
        case .operation(let operation, let arguments):
            if operation.isLazy { return try evaluateLazy(operation, arguments, data: data) }
            var values: [JSONValue] = []
            values.reserveCapacity(arguments.count)
            for argument in arguments { values.append(try evaluate(argument, data: data)) }
            return try apply(operation, values, data: data)
        }
    }

    // MARK: Operations that choose what to evaluate

    private func evaluateLazy(_ operation: LogicOperator, _ arguments: [LogicNode], data: Data) throws(LogicError) -> JSONValue {
        switch operation {
        case .ifThenElse, .ternary:
            var index = 0
            while index + 1 < arguments.count {
                if LogicValues.isTruthy(try evaluate(arguments[index], data: data)) {
                    return try evaluate(arguments[index + 1], data: data)
                }
                index += 2
            }
            return index < arguments.count ? try evaluate(arguments[index], data: data) : .null
        case .and, .or:
            var last = JSONValue.null
            for argument in arguments {
                last = try evaluate(argument, data: data)
                // `and` stops at the first false value, `or` at the first true one; either
                // returns the value it stopped at.
                if LogicValues.isTruthy(last) == (operation == .or) { return last }
            }
            return last
        case .map, .filter, .all, .none, .some:
            let elements = try elements(arguments.first, data: data)
            guard arguments.count > 1 else { return operation == .map || operation == .filter ? .array([]) : .bool(operation == .none) }
            let body = arguments[1]
            switch operation {
            case .map:
                var mapped: [JSONValue] = []
                for element in elements { mapped.append(try evaluate(body, data: .value(element))) }
                return .array(mapped)
            case .filter:
                var kept: [JSONValue] = []
                for element in elements where LogicValues.isTruthy(try evaluate(body, data: .value(element))) { kept.append(element) }
                return .array(kept)
            case .all:
                guard !elements.isEmpty else { return false }
                for element in elements where !LogicValues.isTruthy(try evaluate(body, data: .value(element))) { return false }
                return true
            case .some:
                for element in elements where LogicValues.isTruthy(try evaluate(body, data: .value(element))) { return true }
                return false
            default:
                for element in elements where LogicValues.isTruthy(try evaluate(body, data: .value(element))) { return false }
                return true
            }
        case .reduce:
            let elements = try elements(arguments.first, data: data)
            guard arguments.count > 1 else { return .null }
            var accumulator = arguments.count > 2 ? try evaluate(arguments[2], data: data) : .null
            for element in elements {
                accumulator = try evaluate(arguments[1], data: .value(.object(["current": element, "accumulator": accumulator])))
            }
            return accumulator
        default:
            throw LogicError("\(operation.rawValue) is not lazy")
        }
    }

    private func elements(_ node: LogicNode?, data: Data) throws(LogicError) -> [JSONValue] {
        guard let node, case .array(let elements) = try evaluate(node, data: data) else { return [] }
        return elements
    }

    // MARK: Operations on evaluated arguments

    private func apply(_ operation: LogicOperator, _ values: [JSONValue], data: Data) throws(LogicError) -> JSONValue {
        let first = values.first ?? .null
        switch operation {
        case .variable:
            return variable(values, data: data)
        case .missing:
            let keys: [JSONValue] = if case .array(let list) = first { list } else { values }
            return .array(keys.filter { isMissing($0, data: data) })
        case .missingSome:
            guard values.count == 2, case .array(let keys) = values[1] else { return .array([]) }
            let needed = LogicValues.comparisonNumber(first)
            let absent = keys.filter { isMissing($0, data: data) }
            return Double(keys.count - absent.count) >= needed ? .array([]) : .array(absent)
        case .equal, .notEqual, .strictEqual, .strictNotEqual:
            guard values.count >= 2 else { return .bool(operation == .notEqual || operation == .strictNotEqual) }
            let strict = operation == .strictEqual || operation == .strictNotEqual
            let equal = strict ? LogicValues.strictlyEqual(values[0], values[1]) : LogicValues.looselyEqual(values[0], values[1])
            return .bool(equal == (operation == .equal || operation == .strictEqual))
        case .not:
            return .bool(!LogicValues.isTruthy(first))
        case .doubleNot:
            return .bool(LogicValues.isTruthy(first))
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            switch values.count {
            case 0, 1: return false
            case 3:
                return .bool(
                    LogicValues.ordered(values[0], values[1], by: operation) && LogicValues.ordered(values[1], values[2], by: operation)
                )
            // Two arguments, or more than three (the library compares the first two).
            default: return .bool(LogicValues.ordered(values[0], values[1], by: operation))
            }
        case .max, .min:
            guard !values.isEmpty else { return .null }
            var numbers: [Double] = []
            for value in values { numbers.append(try LogicValues.arithmeticNumber(value)) }
            let chosen = operation == .max ? numbers.max() : numbers.min()
            return chosen.map(LogicValues.number) ?? .null
        case .plus, .times:
            var total: Double = operation == .plus ? 0 : 1
            for value in values {
                let number = try LogicValues.arithmeticNumber(value)
                total = operation == .plus ? total + number : total * number
            }
            return LogicValues.number(total)
        case .minus, .divide:
            // The library folds over every argument; one `-` argument is negated.
            guard let head = values.first else { return 0 }
            var result = try LogicValues.arithmeticNumber(head)
            if values.count == 1, operation == .minus { return LogicValues.number(-result) }
            for value in values.dropFirst() {
                let number = try LogicValues.arithmeticNumber(value)
                result = operation == .minus ? result - number : result / number
            }
            return LogicValues.number(result)
        case .modulo:
            guard values.count >= 2 else { return .null }
            let left = try LogicValues.arithmeticNumber(values[0])
            let right = try LogicValues.arithmeticNumber(values[1])
            return LogicValues.number(left.truncatingRemainder(dividingBy: right))
        case .merge:
            var merged: [JSONValue] = []
            for value in values {
                if case .array(let elements) = value { merged += elements } else { merged.append(value) }
            }
            return .array(merged)
        case .in:
            guard values.count >= 2 else { return false }
            return .bool(try contains(values[1], values[0]))
        case .cat:
            var text = ""
            for value in values { text += try LogicValues.text(value) }
            // The Go library trims what it joins from several parts (not a single one).
            return .string(values.count > 1 ? text.trimmingCharacters(in: .whitespacesAndNewlines) : text)
        case .substr:
            return substring(values)
        case .fractional:
            return FlagdOperations.fractional(values, flagKey: scope.flagKey, targetingKey: scope.context.targetingKey, algorithm: fractional)
        case .semanticVersion:
            return FlagdOperations.semanticVersion(values)
        case .startsWith, .endsWith:
            return FlagdOperations.affix(values, atStart: operation == .startsWith)
        case .ifThenElse, .ternary, .and, .or, .map, .filter, .reduce, .all, .none, .some:
            throw LogicError("\(operation.rawValue) is lazy")
        }
    }

    private func variable(_ values: [JSONValue], data: Data) -> JSONValue {
        let fallback = values.count > 1 ? values[1] : .null
        let path: String
        switch values.first ?? .null {
        case .null: path = ""
        case .string(let text): path = text
        case .integer(let number): path = String(number)
        case .double(let number): path = LogicValues.plainNumberText(number)
        default: return fallback
        }
        let found: JSONValue?
        switch data {
        case .scope:
            found = path.isEmpty ? scope.wholeObject : scope.value(at: path)
        case .value(let value):
            if path.isEmpty {
                found = value
            } else {
                var current: JSONValue? = value
                for part in path.split(separator: ".", omittingEmptySubsequences: false) {
                    current = current.flatMap { TargetingScope.member(part, of: $0) }
                }
                found = current
            }
        }
        guard let found, found != .null else { return fallback }
        return found
    }

    private func isMissing(_ key: JSONValue, data: Data) -> Bool {
        variable([key], data: data) == .null
    }

    private func contains(_ haystack: JSONValue, _ needle: JSONValue) throws(LogicError) -> Bool {
        switch haystack {
        case .string(let text):
            guard case .string(let part) = needle else { throw LogicError("in: looking for \(needle.typeName) in a string") }
            return part.isEmpty || text.utf8.firstRange(of: part.utf8) != nil
        case .array(let elements):
            if needle.numericValue != nil {
                let number = LogicValues.comparisonNumber(needle)
                return elements.contains { LogicValues.comparisonNumber($0) == number }
            }
            return elements.contains(needle)
        default:
            return false
        }
    }

    /// `substr` as the library cuts: by Unicode scalars; a negative start counts from the end
    /// (one still before the start gives the text unchanged), a negative length stops that far
    /// from the end, a start at or past the end gives "".
    private func substring(_ values: [JSONValue]) -> JSONValue {
        let text: String
        switch values.first ?? .null {
        case .string(let written): text = written
        case .null: text = ""
        case .integer(let number): text = String(number)
        case .double(let number): text = LogicValues.plainNumberText(number)
        default: return .null
        }
        let scalars = Array(text.unicodeScalars)
        var start = values.count > 1 ? Self.index(values[1]) : 0
        if start < 0 {
            start += scalars.count
            guard start >= 0 else { return .string(text) }
        }
        guard start < scalars.count else { return .string("") }
        var end = scalars.count
        if values.count > 2 {
            let length = Self.index(values[2])
            end = length < 0 ? max(start, scalars.count + length) : min(scalars.count, start + length)
        }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars[start..<end])
        return .string(String(result))
    }

    /// A position or length argument as a whole number (0 when it is not a number), clamped
    /// so no conversion can trap.
    private static func index(_ value: JSONValue) -> Int {
        let number = LogicValues.comparisonNumber(value)
        guard number.isFinite else { return 0 }
        return Int(max(-1e9, min(1e9, number)).rounded(.towardZero))
    }
}
