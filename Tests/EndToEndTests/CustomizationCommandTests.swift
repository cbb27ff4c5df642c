import Foundation
import Testing
import TestSupport

@Suite("tenantry customization, end to end")
struct CustomizationCommandTests {
    @Test("list --compiled shows each compiled-in customization with its hooks and settings, without a database; --json for scripts")
    func listCompiled() async throws {
        let text = try await TenantryProcess.run(["customization", "list", "--compiled"])
        #expect(text.status == 0, "\(text.standardError)")
        #expect(text.standardOutput.contains("corporate-email 1.0.0 (compiled): "))
        #expect(text.standardOutput.contains("  hook     validates signup"))
        #expect(text.standardOutput.contains("  hook     route GET /x/corporate-email/policy"))
        #expect(text.standardOutput.contains("  setting  domain (domain, required): "))
        #expect(text.standardOutput.contains("  setting  secret (string, required, secret): "))

        let json = try await TenantryProcess.run(["customization", "list", "--compiled", "--json"])
        #expect(json.status == 0)
        let list = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [[String: Any]])
        #expect(list.compactMap { $0["id"] as? String } == ["audit-forwarder", "corporate-email"])
        #expect(list.allSatisfy { $0["kind"] as? String == "compiled" && $0["sha256"] == nil })
        let forwarder = try #require(list.first)
        #expect((forwarder["hooks"] as? [String])?.first == "reacts to every event as 'siem' (own checkpoint, retried)")
        let settings = try #require(forwarder["settings"] as? [[String: Any]])
        #expect(settings.first { $0["name"] as? String == "secret" }?["secret"] as? Bool == true)
    }

    @Test("install records a module file and says so, again says already installed; list shows it beside the compiled ones; a bad file is one line and exit 65, nothing recorded")
    func install() async throws {
        try await withTestDatabase { database async throws in
            let cli = FlagCLI(database)
            let module = try WasmModuleFile()
            defer { module.remove() }

            let installed = try await cli.succeed("customization", "install", module.path, "--reason", "the client's signup rules")
            let prefix = "installed corporate-email-wasm 1.0.0 (sha256:"
            #expect(installed.hasPrefix(prefix) && installed.hasSuffix(", \(module.bytes.count) bytes): validates signup\n"), "\(installed)")
            let sha256 = String(installed.dropFirst(prefix.count).prefix(64))
            #expect(sha256.count == 64 && sha256.allSatisfy(\.isHexDigit), "\(installed)")

            let again = try await cli.succeed("customization", "install", module.path)
            #expect(again == "already installed: corporate-email-wasm 1.0.0 (sha256:\(sha256), \(module.bytes.count) bytes): validates signup\n")
            let json = try #require(try await cli.json("customization", "install", module.path, "--json") as? [String: Any])
            #expect(json["created"] as? Bool == false && json["sha256"] as? String == sha256 && json["size"] as? Int == module.bytes.count)
            #expect((json["installedBy"] as? String)?.hasPrefix("operator:") == true, "\(json)")

            let listed = try await cli.succeed("customization", "list")
            #expect(listed.contains("corporate-email 1.0.0 (compiled): "), "\(listed)")
            #expect(listed.contains("corporate-email-wasm 1.0.0 (wasm sha256:\(sha256)): Signups from the client's domain only\n  module   \(module.bytes.count) bytes, installed "), "\(listed)")
            let list = try #require(try await cli.json("customization", "list", "--json") as? [[String: Any]])
            #expect(list.map { "\($0["id"] ?? "") \($0["kind"] ?? "")" } == ["audit-forwarder compiled", "corporate-email compiled", "corporate-email-wasm wasm"])
            #expect(list.last?["sha256"] as? String == sha256 && list.last?["hooks"] as? [String] == ["validates signup"])

            // Files the command refuses, each with one line naming what is wrong.
            let otherBytes = try WasmModuleFile(padding: 16)
            let compiledID = try WasmModuleFile(id: "corporate-email")
            let ungranted = try WasmModuleFile(id: "fetcher", imports: #"(import "env" "fetch" (func (param i32) (result i32)))"#)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tenantry-not-modules-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer {
                for file in [otherBytes, compiledID, ungranted] { file.remove() }
                try? FileManager.default.removeItem(at: folder)
            }
            let text = folder.appendingPathComponent("notes.wasm")
            try Data("not a module".utf8).write(to: text)
            let large = folder.appendingPathComponent("large.wasm")
            try Data(count: 256 * 1024 + 1).write(to: large)
            let refusals: [(file: String, saying: String)] = [
                (folder.appendingPathComponent("missing.wasm").path, "cannot read \(folder.path)/missing.wasm: no such file"),
                (folder.path, "it is a directory"),
                (large.path, "is 262145 bytes; a module is at most 262144 bytes"),
                (text.path, "\(text.path): not a WebAssembly module"),
                (otherBytes.path, "corporate-email-wasm@1.0.0 is installed already with other bytes (sha256:\(sha256)); bump the version"),
                (compiledID.path, "customization corporate-email is compiled into this release"),
                (ungranted.path, "\(ungranted.path): the module imports env.fetch, which this host does not grant"),
            ]
            for refusal in refusals {
                CellCommandTests.expectRefusal(try await cli.run("customization", "install", refusal.file), status: 65, saying: refusal.saying)
            }
            let after = try #require(try await cli.json("customization", "list", "--json") as? [[String: Any]])
            #expect(after.filter { $0["kind"] as? String == "wasm" }.map { $0["sha256"] as? String } == [sha256])
        }
    }
}
