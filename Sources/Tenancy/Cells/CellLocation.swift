/// Where a cell's database is, by reference: the control plane records this, never a URL, so
/// credentials stay in each server's configuration (an environment variable, a Kubernetes
/// secret mounted as one).
public enum CellLocation: Sendable, Hashable, CustomStringConvertible {
    /// The control plane's own database (the `main` cell).
    case controlPlane
    /// Another database on the control plane's cluster, reached with the same login:
    /// `database:<name>`.
    case database(String)
    /// A libpq URL in the environment variable named: `env:TENANTRY_CELL_<NAME>_URL`.
    case environment(variable: String)
    /// A local embedded cluster under `$TENANTRY_HOME/cells/<name>` (`tenantry dev up
    /// --cells`): `embedded:<name>`.
    case embedded(String)

    /// Parses a reference as `cell add --location` takes it; throws naming what is wrong.
    public init(_ reference: String) throws(CellError) {
        let (kind, value) = reference.firstIndex(of: ":").map {
            (String(reference[..<$0]), String(reference[reference.index(after: $0)...]))
        } ?? (reference, "")
        switch kind {
        case "control-plane" where value.isEmpty && !reference.contains(":"):
            self = .controlPlane
        case "database" where Self.isDatabaseName(value):
            self = .database(value)
        case "env" where Self.isCellVariable(value):
            self = .environment(variable: value)
        case "embedded" where CellName.problem(with: value) == nil:
            self = .embedded(value)
        default:
            throw .invalidInput(Self.problem(reference))
        }
    }

    /// The reference as stored and shown: `control-plane`, `database:…`, `env:…`, `embedded:…`.
    public var description: String {
        switch self {
        case .controlPlane: "control-plane"
        case .database(let name): "database:\(name)"
        case .environment(let variable): "env:\(variable)"
        case .embedded(let name): "embedded:\(name)"
        }
    }

    private static func problem(_ reference: String) -> String {
        "invalid cell location \"\(reference.prefix(80))\": use database:<name> (a database on the control plane's cluster), "
            + "env:TENANTRY_CELL_<NAME>_URL (a libpq URL in that variable) or embedded:<name> (a local cluster of tenantry dev up --cells)"
    }

    /// `^[a-z_][a-z0-9_]{0,62}$`: a database name that needs no quoting.
    private static func isDatabaseName(_ value: String) -> Bool {
        let scalars = Array(value.unicodeScalars)
        guard let head = scalars.first, scalars.count <= 63, ("a"..."z").contains(head) || head == "_" else { return false }
        return scalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// `^TENANTRY_CELL_[A-Z0-9_]{1,60}_URL$`: only variables meant for cells can be named, so a
    /// reference cannot make a server use another of its settings as a database URL.
    private static func isCellVariable(_ value: String) -> Bool {
        let prefix = "TENANTRY_CELL_", suffix = "_URL"
        guard value.hasPrefix(prefix), value.hasSuffix(suffix) else { return false }
        let middle = value.dropFirst(prefix.count).dropLast(suffix.count)
        return (1...60).contains(middle.count)
            && middle.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}
