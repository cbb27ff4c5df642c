import Foundation
import Tenancy
import Testing

@Suite("Cell names, locations and the placement policy")
struct CellRulesTests {
    @Test("names: lower-case letters, digits and '-', starting with a letter, at most 31", arguments: [
        ("main", true), ("eu-2", true), ("a", true), (String(repeating: "a", count: 31), true),
        ("", false), ("2eu", false), ("EU", false), ("eu_2", false), ("-eu", false), (String(repeating: "a", count: 32), false),
        ("é", false),
    ])
    func names(_ name: String, valid: Bool) {
        #expect((CellName.problem(with: name) == nil) == valid)
        #expect(((try? CellName(name)) != nil) == valid)
    }

    @Test("locations are references, never URLs, and read back as written", arguments: [
        "control-plane", "database:tenantry_cell_b", "database:_x", "env:TENANTRY_CELL_EU2_URL", "embedded:cell-2",
    ])
    func validLocations(_ reference: String) throws {
        #expect(try CellLocation(reference).description == reference)
    }

    @Test("a location that is not a reference is refused in one line naming the forms", arguments: [
        "postgresql://admin@db/tenantry", "env:DATABASE_URL", "env:TENANTRY_CELL__URL", "env:tenantry_cell_x_url",
        "database:Tenantry", "database:a-b", "database:", "embedded:Cell", "embedded:", "control-plane:x", "", "file:/etc/passwd",
    ])
    func invalidLocations(_ reference: String) {
        do {
            _ = try CellLocation(reference)
            Issue.record("\(reference) was taken for a location")
        } catch {
            #expect(error.description.hasPrefix("invalid cell location"))
            #expect(error.description.contains("env:TENANTRY_CELL_<NAME>_URL") && !error.description.contains("\n"))
        }
    }

    static func cell(_ name: String, _ state: CellState = .open, tenants: Int, capacity: Int? = nil) throws -> Cell {
        Cell(name: try CellName(name), location: .embedded(name), state: state, capacity: capacity, identity: UUID(),
             tenants: tenants, addedAt: Date(timeIntervalSince1970: 0))
    }

    @Test("the policy picks the open, not full cell with the fewest tenants, ties by name")
    func policyChoosesFewestTenants() throws {
        let cells = [
            try Self.cell("main", tenants: 10), try Self.cell("b", tenants: 3), try Self.cell("c", tenants: 3),
            try Self.cell("d", .draining, tenants: 0), try Self.cell("e", .closed, tenants: 0), try Self.cell("f", tenants: 2, capacity: 2),
        ]
        #expect(CellPlacementPolicy.choose(among: cells)?.name.rawValue == "b")
        #expect(CellPlacementPolicy.choose(among: cells.filter { $0.name.rawValue != "b" })?.name.rawValue == "c")
        #expect(CellPlacementPolicy.choose(among: [try Self.cell("d", .draining, tenants: 0), try Self.cell("f", tenants: 5, capacity: 5)]) == nil)
    }

    @Test("a cell named for a tenant takes it unless it drains or is full; a closed one takes it")
    func namedPlacement() throws {
        #expect(CellPlacementPolicy.refusal(toPlaceIn: try Self.cell("a", .closed, tenants: 0)) == nil)
        #expect(CellPlacementPolicy.refusal(toPlaceIn: try Self.cell("a", .draining, tenants: 0))?.contains("draining") == true)
        #expect(CellPlacementPolicy.refusal(toPlaceIn: try Self.cell("a", tenants: 4, capacity: 4))?.contains("full (4 of 4") == true)
    }
}
