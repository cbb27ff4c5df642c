import FeatureFlags
import Tenancy
import TenantryServer

/// How cells are printed: the admin API's JSON for scripts (`Cell.adminFields`, so the two faces
/// show a cell alike), one line or a table for people.
enum CellOutput {
    /// One line: `cell b: open, 3 of 5000 tenants, at database:tenantry_cell_b`.
    static func line(_ cell: Cell) -> String {
        let tenants = "\(cell.tenants)\(cell.capacity.map { " of \($0)" } ?? "") tenant\(cell.tenants == 1 && cell.capacity == nil ? "" : "s")"
        return "cell \(cell.name): \(cell.state), \(tenants), at \(cell.location)"
    }

    /// What a command that adds or changes a cell prints.
    static func print(_ cell: Cell, json: Bool) {
        StandardOutput.line(json ? JSONWriter.compact(.object(cell.adminFields)) : line(cell))
    }

    /// `cell list`: NAME STATE TENANTS CAPACITY LOCATION, and HEALTH (`ok`, or why not) when
    /// `health` is given (the problems of the cells that are not healthy).
    static func table(_ cells: [Cell], health: [CellName: String]?) -> String {
        var table = health == nil
            ? TextTable("NAME", "STATE", "TENANTS", "CAPACITY", "LOCATION")
            : TextTable("NAME", "STATE", "TENANTS", "CAPACITY", "LOCATION", "HEALTH")
        for cell in cells {
            var row = [cell.name.rawValue, cell.state.rawValue, String(cell.tenants), cell.capacity.map(String.init) ?? "-", cell.location.description]
            if let health { row.append(health[cell.name] ?? "ok") }
            table.append(row)
        }
        return table.rendered
    }
}
