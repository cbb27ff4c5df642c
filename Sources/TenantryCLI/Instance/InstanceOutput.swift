import Foundation
import Tenantry

/// How the instance commands print a record.
enum InstanceOutput {
    /// The recorded status, corrected by what runs: a "running" local process that is gone is
    /// `exited`.
    static func state(_ record: InstanceRecord) -> String {
        if record.status == .running, let process = record.process,
            !LocalInstanceProcess.isRunning(processID: process.processId, slug: record.deployment.slug)
        {
            return "exited"
        }
        return record.status.rawValue
    }

    static func json(_ record: InstanceRecord, extra: [String: JSONObject.Value] = [:]) -> JSONObject {
        let deployment = record.deployment
        var fields: [String: JSONObject.Value] = [
            "tenant": .string(deployment.slug),
            "tenantId": .string(deployment.tenantId.uuidString.lowercased()),
            "customization": .string(deployment.customizationId),
            "customizationVersion": .string(deployment.customizationVersion),
            "release": .string(record.release),
            "target": .string(deployment.target),
            "state": .string(state(record)),
            "port": .number(Double(record.process?.port ?? deployment.port)),
            "database": .string(deployment.database),
            "directory": .string(deployment.directory),
            "settings": .object(deployment.settings.mapValues { .string($0) }),
            "processId": record.process.map { .number(Double($0.processId)) } ?? .null,
        ]
        fields.merge(extra) { _, new in new }
        return JSONObject(fields)
    }
}
