import ChildProcesses
import Foundation
import TestSupport
import Testing

@Suite("Kubernetes manifests: the base and every rendered overlay validate against the Kubernetes schemas")
struct KubernetesManifestTests {
    private static var python: String { TestCluster.packageRoot.appendingPathComponent(".tenantry/python/bin/python3").path }
    private static var script: String { TestCluster.packageRoot.appendingPathComponent("Tests/EndToEndTests/Support/render_kustomize.py").path }

    /// Builds `directory` as `kubectl kustomize` would and validates each object (strict).
    private func render(_ directory: URL) async throws -> (status: Int32, objects: [[String: Any]], errors: String) {
        let done = try await ChildProcess.run(
            ChildProcess.Configuration(executable: Self.python, arguments: [Self.script, directory.path], environment: ProcessInfo.processInfo.environment),
            timeout: .seconds(120))
        let objects = done.standardOutput.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        return (done.status, objects, done.standardError)
    }

    @Test("the base validates; a base with a wrong field type does not, naming the object")
    func base() async throws {
        let base = TestCluster.packageRoot.appendingPathComponent("Deploy/kubernetes/base")
        let valid = try await render(base)
        #expect(valid.status == 0, "\(valid.errors)")
        #expect(Set(valid.objects.compactMap { $0["kind"] as? String }) == ["ConfigMap", "Deployment", "Service", "Job"])

        let broken = FileManager.default.temporaryDirectory.appendingPathComponent("k8s-broken-\(UUID().uuidString.prefix(6))")
        defer { try? FileManager.default.removeItem(at: broken) }
        try FileManager.default.copyItem(at: base, to: broken)
        let deployment = broken.appendingPathComponent("deployment.yaml")
        let text = try String(contentsOf: deployment, encoding: .utf8).replacingOccurrences(of: "replicas: 1", with: "replicas: one")
        try text.write(to: deployment, atomically: true, encoding: .utf8)
        let invalid = try await render(broken)
        #expect(invalid.status != 0)
        #expect(invalid.errors.contains("Deployment tenantry-instance"), "\(invalid.errors)")
    }

    @Test("deploy --target kubernetes renders an overlay that validates: prefixed names, the release's image, settings in a ConfigMap, secrets in a Secret")
    func renderedOverlay() async throws {
        try await withTestDatabase { database async throws in
            let environment = ["TENANTRY_DATABASE_URL": database.administratorConnectionString]
            let name = "Initech \(UUID().uuidString.prefix(6).lowercased())"
            let created = try await TenantryProcess.run(["tenant", "create", name, "--email", "it@initech.example", "--json"], environment: environment)
            try #require(created.status == 0, "\(created.standardError)")
            let slug = try #require((try JSONSerialization.jsonObject(with: Data(created.standardOutput.utf8)) as? [String: Any])?["slug"] as? String)
            let out = FileManager.default.temporaryDirectory.appendingPathComponent("overlay-\(slug)")
            defer { try? FileManager.default.removeItem(at: out) }

            let deployed = try await TenantryProcess.run([
                "instance", "deploy", slug, "--customization", "audit-forwarder", "--target", "kubernetes",
                "--setting", "endpoint=https://siem.initech.example/ingest", "--setting", "secret=hunter2-hunter2",
                "--out", out.path, "--deploy-root", TestCluster.packageRoot.appendingPathComponent("Deploy").path,
            ], environment: environment)
            try #require(deployed.status == 0, "\(deployed.standardOutput)\n\(deployed.standardError)")
            #expect(!deployed.standardOutput.contains("hunter2"))

            let rendered = try await render(out.appendingPathComponent("kubernetes"))
            #expect(rendered.status == 0, "\(rendered.errors)")
            let byKind = Dictionary(rendered.objects.map { ($0["kind"] as? String ?? "", $0) }) { first, _ in first }
            let deployment = try #require(byKind["Deployment"])
            #expect((deployment["metadata"] as? [String: Any])?["name"] as? String == "\(slug)-tenantry-instance")
            let labels = (deployment["metadata"] as? [String: Any])?["labels"] as? [String: String]
            #expect(labels?["tenantry.dev/tenant"] == slug)
            #expect(labels?["tenantry.dev/customization"] == "audit-forwarder")
            let template = ((deployment["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any]
            let container = (template?["containers"] as? [[String: Any]])?.first
            #expect(container?["image"] as? String == "tenantry:0.6.0")
            let configData = (byKind["ConfigMap"]?["data"] as? [String: String]) ?? [:]
            #expect(configData["TENANTRY_INSTANCE"] == slug)
            #expect(configData["TENANTRY_SETTING_ENDPOINT"] == "https://siem.initech.example/ingest")
            #expect(configData["TENANTRY_HOST"] == "0.0.0.0", "the base's address, not the local one")
            #expect(configData["TENANTRY_SETTING_SECRET"] == nil)
            let secretData = (byKind["Secret"]?["data"] as? [String: String]) ?? [:]
            #expect(secretData["TENANTRY_SETTING_SECRET"] == Data("hunter2-hunter2".utf8).base64EncodedString())
            // The Deployment gets the instance's own login; only the migration Job gets the operator's.
            let instanceURL = String(decoding: Data(base64Encoded: secretData["TENANTRY_DATABASE_URL"] ?? "") ?? Data(), as: UTF8.self)
            #expect(instanceURL.contains("user='tenantry_instance_"), "\(instanceURL)")
            let migrationSecret = rendered.objects.first { ($0["metadata"] as? [String: Any])?["name"] as? String == "\(slug)-tenantry-instance-migration" }
            let migrationURL = ((migrationSecret?["data"] as? [String: String])?["TENANTRY_DATABASE_URL"]).flatMap { Data(base64Encoded: $0) }
            #expect(migrationURL.map { String(decoding: $0, as: UTF8.self) } == database.administratorConnectionString)
            func secretReferences(_ kind: String) -> [String] {
                let spec = ((byKind[kind]?["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any]
                let containers = spec?["containers"] as? [[String: Any]] ?? []
                return containers.flatMap { ($0["envFrom"] as? [[String: Any]] ?? []).compactMap { ($0["secretRef"] as? [String: Any])?["name"] as? String } }
            }
            #expect(secretReferences("Deployment") == ["\(slug)-tenantry-instance"])
            #expect(secretReferences("Job") == ["\(slug)-tenantry-instance-migration"])

            // The recorded deployment holds the secret's fingerprint only.
            let status = try await TenantryProcess.run(["instance", "status", slug, "--json"], environment: environment)
            let settings = (try JSONSerialization.jsonObject(with: Data(status.standardOutput.utf8)) as? [String: Any])?["settings"] as? [String: String]
            #expect(settings?["secret"]?.hasPrefix("sha256:") == true)

            let export = FileManager.default.temporaryDirectory.appendingPathComponent("\(slug).jsonl").path
            defer { try? FileManager.default.removeItem(atPath: export) }
            let destroyed = try await TenantryProcess.run(["instance", "destroy", slug, "--export", export], environment: environment)
            #expect(destroyed.status == 0, "\(destroyed.standardError)")
        }
    }
}
