import FeatureFlags
import Foundation
import Instances

/// How the instance commands print a record.
enum InstanceOutput {
    /// A record as JSON, with the state `InstanceAdministration.state(of:)` gives it.
    static func json(_ record: InstanceRecord, state: String, extra: [String: JSONValue] = [:]) -> [String: JSONValue] {
        let deployment = record.deployment
        var fields: [String: JSONValue] = [
            "tenant": .string(deployment.slug),
            "tenantId": .string(deployment.tenantId.uuidString.lowercased()),
            "customization": .string(record.customization.id),
            "customizationVersion": .string(record.customization.version),
            "customizationModule": record.customization.module.map { .string($0) } ?? .null,
            "release": .string(record.release),
            "target": .string(deployment.target),
            "state": .string(state),
            "port": .integer(Int64(record.process?.port ?? deployment.port)),
            "database": .string(deployment.database),
            "directory": .string(deployment.directory),
            "settings": .object(record.settings.mapValues { .string($0) }),
            "processId": record.process.map { .integer(Int64($0.processId)) } ?? .null,
        ]
        fields.merge(extra) { _, new in new }
        return fields
    }
}
