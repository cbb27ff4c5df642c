/// How a read hands out personal fields (`PersonalData`).
public enum PersonalDataView: Sendable, Hashable {
    /// Opened with their keys, or erased where the key was forgotten: what every reader sees.
    case opened
    /// As stored, sealed: for copying a tenant's events together with its keys.
    case sealed
}
