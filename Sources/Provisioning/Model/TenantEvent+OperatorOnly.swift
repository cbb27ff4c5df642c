extension TenantEvent {
    /// The data fields of an event type that only the control plane's operators may see: not
    /// secrets, but what the tenant has no business reading in its own audit trail (where an
    /// operator's database cluster lives and who may log into it, file paths on the server,
    /// failure text with host names, operators' own notes and targeting attributes). A field
    /// inside an object is named by its path, `details.database`. Empty for types with none.
    public static func operatorOnlyFields(ofType type: String) -> Set<String> {
        switch type {
        // A libpq URL: host, port and user name of the operator's cluster.
        case "TenantRegistered": ["clusterURL", "cell"]
        // The dedicated database's name (the other details, isolation and entitlements, are the tenant's).
        case "ProvisioningStepCompleted": ["details.database", "details.cell"]
        // Failure text from the database or the cluster, with host names and SQL.
        case "TenantProvisioningFailed", "TenantProvisioningRetried": ["reason"]
        // The operator's note.
        case "TenantSuspended", "TenantReactivated": ["reason"]
        // A path on the operator's server.
        case "TenantOffboarded": ["exportFile"]
        case "TenantIsolationChanged": ["database"]
        // The operator's cells: names of its clusters.
        case "TenantMovedBetweenCells": ["from", "to"]
        case "TenantCellCopyPurged": ["cell"]
        // Attributes operators set for targeting (e.g. a segment or a risk mark); the tenant's
        // own view (GET /v1/tenant) does not show them either.
        case "TenantAttributesChanged": ["set", "removed"]
        default: []
        }
    }
}
