import Hummingbird
public import Tenancy

/// The problem types of the admin API's cell refusals (`CellError`, a move between cells that
/// stopped), one constructor per type.
extension ProblemDetails {
    /// 409 `cell-conflict`: the change contradicts a cell's state: a name, location or database
    /// taken already, `main` or a cell holding tenants removed, a tenant placed or moved into a
    /// cell that is draining or full, or no open cell left for a new tenant.
    public static func cellConflict(_ detail: String) -> ProblemDetails {
        ProblemDetails(typeURI: typeBase + "cell-conflict", title: "Cell conflict", status: .conflict, detail: detail)
    }

    /// 409 `cell-unusable`: a cell's database cannot be used from this server: its location
    /// resolves to nothing here (an unset variable, a database that is not there), it is not
    /// migrated, or it is not the database the cell was added with. The admin API adds only a
    /// database that exists and is migrated: `tenantry cell add` creates and migrates one.
    public static func cellUnusable(_ detail: String) -> ProblemDetails {
        ProblemDetails(typeURI: typeBase + "cell-unusable", title: "Cell unusable", status: .conflict, detail: detail)
    }

    /// 409 `cell-move-refused`: the tenant cannot move between cells (it has a database of its
    /// own, or is not active or suspended), or the move stopped because its copy did not add
    /// up; the detail says whether the tenant was switched.
    public static func cellMoveRefused(_ detail: String) -> ProblemDetails {
        ProblemDetails(typeURI: typeBase + "cell-move-refused", title: "Cell move refused", status: .conflict, detail: detail)
    }

    /// The problem a `CellError` is (404 for an unknown cell).
    static func cell(_ error: CellError) -> ProblemDetails {
        switch error {
        case .notFound: .notFound(error.description, resource: "cell")
        case .invalidInput: .invalidRequest(error.description)
        case .conflict: .cellConflict(error.description)
        case .unusable: .cellUnusable(error.description)
        }
    }
}
