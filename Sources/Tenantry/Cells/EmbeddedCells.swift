public import EmbeddedPostgres
public import Foundation
import Schema
public import Tenancy

/// The local cells of `tenantry dev up --cells N`: embedded clusters under
/// `$TENANTRY_HOME/cells/cell-<n>`, each a cell `cell-<n>` at location `embedded:cell-<n>`, so
/// one machine can try several cells (`main` being the embedded cluster itself).
public enum EmbeddedCells {
    /// The name of local cell number `number` (2 and up; 1 is `main`).
    public static func name(_ number: Int) throws -> CellName {
        try CellName("cell-\(number)")
    }

    /// Starts (initdb on first use) and migrates cells `cell-2` … `cell-<count>`, adding those
    /// the control plane does not know yet, and starts and migrates every other embedded cell it
    /// knows (a cell added before stays in use after `dev down` and `dev up`). Returns every
    /// embedded cell, started.
    public static func start(count: Int, in runtime: TenantryRuntime) async throws -> [Cell] {
        var known = try await runtime.cells.list()
        if count >= 2 {
            for number in 2...count {
                let name = try Self.name(number)
                guard !known.contains(where: { $0.name == name }) else { continue }
                _ = try await runtime.cells.add(
                    name, location: .embedded(name.rawValue), capacity: nil, state: .open, migrating: true,
                    actor: "operator:dev", reason: "tenantry dev up --cells \(count)")
            }
            known = try await runtime.cells.list()
        }
        var started: [Cell] = []
        for cell in known {
            guard case .embedded(let directory) = cell.location else { continue }
            let target = DatabaseTarget.embedded(DatabaseTarget.embeddedCell(directory), database: DatabaseTarget.embeddedDatabaseName)
            try await DatabasePreparation(target: target).prepare()
            started.append(cell)
        }
        return started
    }

    /// Every embedded cell's cluster under `$TENANTRY_HOME/cells`, recorded or not.
    public static func clusters(environment: [String: String] = ProcessInfo.processInfo.environment) -> [(name: String, cluster: EmbeddedCluster)] {
        let home = environment[DatabaseTarget.homeVariable].flatMap { $0.isEmpty ? nil : $0 }
            ?? FileManager.default.currentDirectoryPath + "/.tenantry"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: home + "/cells")) ?? []
        return names.sorted().filter { CellName.problem(with: $0) == nil }.map { ($0, DatabaseTarget.embeddedCell($0, environment: environment)) }
    }
}
