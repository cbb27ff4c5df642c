import ArgumentParser
import Customizations
import Foundation
import TenantryServer
import WasmCustomizations

/// `tenantry customization install FILE.wasm`: a WebAssembly customization recorded on the
/// platform, deployable by its id without a release.
struct CustomizationInstallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Install a WebAssembly customization module (FILE.wasm), deployable by its id without a release.",
        discussion: """
            The module is inspected and compiled before anything is recorded: its manifest \
            (the tenantry.customization section: id, version, hooks, settings), its imports \
            (only the functions this host grants), its memory and exports. A refusal is one \
            line naming what is wrong. The bytes are recorded as a CustomizationModuleInstalled \
            event, addressed by their sha256: a version names one module for good, so \
            installing the same file again changes nothing ("already installed"), and other \
            bytes under an installed version are refused (bump the version). A module may not \
            take the id of a customization compiled into this release. At most 262144 bytes \
            (256 KiB). The admin API's POST /v1/admin/customizations does the same.

            Examples:
              tenantry customization install corporate-email-wasm.wasm --reason "client's signup rules"
              tenantry customization install build/audit.wasm --json
            """
    )

    @Argument(help: ArgumentHelp("The module's file (a .wasm binary).", valueName: "file"))
    var file: String
    @OptionGroup var reason: FlagReasonOption
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let bytes = try readModule()
        let (file, reason) = (self.file, self.reason.reason)
        let (listed, created) = try await connection.withRuntime { runtime in
            let directory = runtime.customizations(catalog: ReleaseCustomizations.catalog)
            let installation: ModuleLibrary.Installation
            do {
                installation = try await directory.install(bytes, actor: Operator.actor, reason: reason)
            } catch let refusal as ModuleRefusal {
                // Say which file: the refusal names what is wrong inside it.
                throw CommandFailure(message: "\(file): \(refusal.reason)", exitCode: CommandFailure.dataError)
            }
            return (try await ListedCustomization.installed(installation.module, in: directory), installation.created)
        }
        CustomizationOutput.installed(listed, created: created, json: output.json)
    }

    /// The file's bytes; a file that is missing, unreadable or larger than a module may be is
    /// refused before the database is touched (and before a large one is read).
    private func readModule() throws -> [UInt8] {
        let limit = SandboxLimits.moduleByteLimit
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: file)
        } catch {
            throw UserInputError(message: "cannot read \(file): no such file")
        }
        guard attributes[.type] as? FileAttributeType != .typeDirectory else {
            throw UserInputError(message: "cannot read \(file): it is a directory, not a module file")
        }
        if let size = (attributes[.size] as? NSNumber)?.intValue, size > limit {
            throw UserInputError(message: "\(file) is \(size) bytes; a module is at most \(limit) bytes (256 KiB)")
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw UserInputError(message: "cannot read \(file): it is not a readable file")
        }
        // It may have grown since it was measured.
        guard data.count <= limit else {
            throw UserInputError(message: "\(file) is \(data.count) bytes; a module is at most \(limit) bytes (256 KiB)")
        }
        return Array(data)
    }
}
