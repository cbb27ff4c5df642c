import Extensions
import Foundation
import Logging
import WasmKit

/// The functions module `tenantry` grants a customization (ABI v1, `Docs/customizations.md`):
/// `log`, `setting`, `read_result` and, to a module whose settings allow-list domains, `http`.
/// Nothing else (no clock, randomness, files or database) is there to import.
enum HostFunctions {
    static func imports(store: Store, context: CallContext, grantsHTTP: Bool) -> Imports {
        var imports = Imports()
        imports.define(module: "tenantry", name: "log", Function(store: store, parameters: [.i32, .i32, .i32]) { caller, arguments in
            try log(caller.memory(), arguments, context)
            return []
        })
        imports.define(module: "tenantry", name: "setting", Function(store: store, parameters: [.i32, .i32], results: [.i32]) { caller, arguments in
            try context.checkDeadline()
            let name = try caller.memory().read(at: arguments[0].i32, count: arguments[1].i32, limit: 64, what: "setting name")
            guard let value = context.settings[String(decoding: name, as: UTF8.self)] else { return [.i32(UInt32(bitPattern: -1))] }
            context.staged = Array(value.utf8)
            return [.i32(UInt32(context.staged.count))]
        })
        imports.define(module: "tenantry", name: "read_result", Function(store: store, parameters: [.i32, .i32], results: [.i32]) { caller, arguments in
            let count = min(Int(arguments[1].i32), context.staged.count)
            try caller.memory().write(Array(context.staged.prefix(count)), at: arguments[0].i32, what: "read_result buffer")
            context.staged = []
            return [.i32(UInt32(count))]
        })
        if grantsHTTP {
            imports.define(module: "tenantry", name: "http", Function(store: store, parameters: [.i32, .i32], results: [.i32]) { caller, arguments in
                try context.checkDeadline()
                guard let outbound = context.outbound else {
                    throw HookTrap(reason: "http-not-allowed", detail: "it called tenantry.http, which this deployment does not grant")
                }
                guard context.requestsMade < SandboxLimits.requestsPerCall else {
                    throw HookTrap(reason: "http-not-allowed", detail: "it made more than \(SandboxLimits.requestsPerCall) http requests in one call")
                }
                context.requestsMade += 1
                let request = try caller.memory().read(at: arguments[0].i32, count: arguments[1].i32, limit: OutboundHTTP.requestByteLimit, what: "http request")
                switch try outbound.perform(request, until: context.deadline) {
                case .answer(let answer):
                    context.staged = answer
                    return [.i32(UInt32(answer.count))]
                case .failed(let code):
                    return [.i32(UInt32(bitPattern: code.rawValue))]
                }
            })
        }
        return imports
    }

    private static func log(_ memory: GuestMemory, _ arguments: [Value], _ context: CallContext) throws(HookTrap) {
        guard context.linesLogged < CallContext.logLineLimit else {
            context.linesDropped += 1
            return
        }
        context.linesLogged += 1
        let length = min(arguments[2].i32, UInt32(CallContext.logLineBytes))
        let bytes = try memory.read(at: arguments[1].i32, count: length, limit: CallContext.logLineBytes, what: "log line")
        let line = String(decoding: bytes, as: UTF8.self).filter { !$0.isNewline }
        let level: Logger.Level =
            switch arguments[0].i32 {
            case 0: .debug
            case 1: .info
            case 2: .warning
            default: .error
            }
        context.logger.log(level: level, "\(line)", metadata: ["source": "module"])
    }
}

extension Caller {
    /// The calling instance's memory, checked.
    fileprivate func memory() throws(HookTrap) -> GuestMemory {
        guard let memory = instance?.exports[memory: "memory"] else {
            throw HookTrap(reason: "trap", detail: "it called the host without a memory")
        }
        return GuestMemory(memory: memory)
    }
}
