import Foundation
import Instances

/// How the instance commands print a record.
enum InstanceOutput {
    /// A record as JSON, with the state `InstanceAdministration.state(of:)` gives it.
    static func json(_ record: InstanceRecord, state: String, extra: [String: JSONObject.Value] = [:]) -> JSONObject {
        let deployment = record.deployment
        var fields: [String: JSONObject.Value] = [
            "tenant": .string(deployment.slug),
            "tenantId": .string(deployment.tenantId.uuidString.lowercased()),
            "customization": .string(deployment.customizationId),
            "customizationVersion": .string(deployment.customizationVersion),
            "release": .string(record.release),
            "target": .string(deployment.target),
            "state": .string(state),
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
