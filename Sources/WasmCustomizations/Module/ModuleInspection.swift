import WasmParser

/// What the host checks in a module's bytes before anything of it runs: the parts WasmKit would
/// otherwise allocate or link without asking (a memory's size, a table's, imports beyond the
/// grant), and what the reset between calls needs (every mutable global exported).
struct ModuleInspection {
    /// The functions module `tenantry` grants (ABI v1); `http` only to a module whose settings
    /// list the domains it may reach.
    static let grantedImports = ["log", "setting", "read_result", "http"]

    let manifest: ModuleManifest
    /// Export names of the mutable globals, restored after each call.
    let mutableGlobals: [String]
    /// Whether the module imports `tenantry.http`.
    let importsHTTP: Bool
    /// The memory's declared maximum, in 64 KiB pages.
    let memoryPages: Int

    init(bytes: [UInt8]) throws(ModuleRefusal) {
        guard bytes.count <= SandboxLimits.moduleByteLimit else {
            throw ModuleRefusal("the module is \(bytes.count) bytes; at most \(SandboxLimits.moduleByteLimit)")
        }
        var imports: [Import] = []
        var memories: [Memory] = []
        var tables: [Table] = []
        var globals: [Global] = []
        var exports: [Export] = []
        var manifests: [CustomSection] = []
        var parser = Parser(bytes: bytes)
        do {
            while let payload = try parser.parseNext() {
                switch payload {
                case .importSection(let found): imports += found
                case .memorySection(let found): memories += found
                case .tableSection(let found): tables += found
                case .globalSection(let found): globals += found
                case .exportSection(let found): exports += found
                case .customSection(let section) where section.name == ModuleManifest.sectionName: manifests.append(section)
                default: break
                }
            }
        } catch {
            throw ModuleRefusal("not a WebAssembly module this host reads: \(error)")
        }

        guard manifests.count == 1, let section = manifests.first else {
            throw ModuleRefusal(
                manifests.isEmpty
                    ? "the module has no '\(ModuleManifest.sectionName)' custom section (its manifest)"
                    : "the module has \(manifests.count) '\(ModuleManifest.sectionName)' sections; one only")
        }
        manifest = try ModuleManifest(json: Array(section.bytes))
        let limits = SandboxLimits(manifest.limits)

        var importsHTTP = false
        for item in imports {
            let name = "\(item.module).\(item.name)"
            guard case .function = item.descriptor else {
                throw ModuleRefusal("the module imports \(name), which is not a function: its memory, tables and globals must be its own")
            }
            guard item.module == "tenantry", Self.grantedImports.contains(item.name) else {
                throw ModuleRefusal(
                    "the module imports \(name), which this host does not grant (it grants \(Self.grantedImports.map { "tenantry.\($0)" }.joined(separator: ", ")))")
            }
            if item.name == "http" { importsHTTP = true }
        }
        if importsHTTP, !manifest.settings.contains(where: { $0.name == ModuleManifest.allowedDomainsSetting && $0.kind == .string }) {
            throw ModuleRefusal("the module imports tenantry.http but declares no '\(ModuleManifest.allowedDomainsSetting)' setting (kind string) listing the domains it may reach")
        }
        // The operator, not the module's author, says where it may reach.
        if manifest.settings.contains(where: { $0.name == ModuleManifest.allowedDomainsSetting && $0.defaultValue != nil }) {
            throw ModuleRefusal("the setting '\(ModuleManifest.allowedDomainsSetting)' may have no default: the operator lists the domains at deployment")
        }
        self.importsHTTP = importsHTTP

        guard memories.count == 1, let memory = memories.first else {
            throw ModuleRefusal("the module must define exactly one memory (it defines \(memories.count))")
        }
        guard !memory.type.isMemory64, !memory.type.shared else {
            throw ModuleRefusal("the module's memory must be a plain 32-bit, unshared memory")
        }
        guard let maximum = memory.type.max else {
            throw ModuleRefusal("the module's memory declares no maximum; declare one of at most \(limits.memoryPages) pages (64 KiB each)")
        }
        guard maximum <= UInt64(limits.memoryPages) else {
            throw ModuleRefusal("the module's memory may grow to \(maximum) pages; at most \(limits.memoryPages) (64 KiB each)")
        }
        memoryPages = Int(maximum)
        guard tables.count <= SandboxLimits.tableLimit else {
            throw ModuleRefusal("the module defines \(tables.count) tables; at most \(SandboxLimits.tableLimit)")
        }
        for table in tables {
            guard let maximum = table.type.limits.max, maximum <= UInt64(SandboxLimits.tableElementLimit) else {
                throw ModuleRefusal("every table must declare a maximum of at most \(SandboxLimits.tableElementLimit) elements")
            }
        }

        var exportedGlobals: [UInt32: String] = [:]
        var exportedFunctions: Set<String> = []
        var exportsMemory = false
        for export in exports {
            switch export.descriptor {
            case .global(let index): exportedGlobals[index] = export.name
            case .function: exportedFunctions.insert(export.name)
            case .memory where export.name == "memory": exportsMemory = true
            default: break
            }
        }
        guard exportsMemory else { throw ModuleRefusal("the module does not export its memory as 'memory'") }
        var mutableGlobals: [String] = []
        for (index, global) in globals.enumerated() where global.type.mutability == .variable {
            guard let name = exportedGlobals[UInt32(index)] else {
                throw ModuleRefusal("global \(index) is mutable but not exported; export it (e.g. -Wl,--export=__stack_pointer) so the host can reset it between calls")
            }
            mutableGlobals.append(name)
        }
        self.mutableGlobals = mutableGlobals

        var required = ["tenantry_alloc"]
        if !manifest.hooks.validate.isEmpty { required.append(WasmHook.validate.export) }
        if !manifest.hooks.reactions.isEmpty { required.append(WasmHook.react.export) }
        if manifest.hooks.flagDefaults { required.append(WasmHook.flagDefaults.export) }
        for name in required where !exportedFunctions.contains(name) {
            throw ModuleRefusal("the module does not export \(name), which its manifest's hooks need")
        }
        for hook in WasmHook.allCases where exportedFunctions.contains(hook.export) && !required.contains(hook.export) {
            throw ModuleRefusal("the module exports \(hook.export) but its manifest declares no \(hook.manifestName) hook")
        }
    }
}
