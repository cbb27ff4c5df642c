import Hummingbird

extension HTTPFields {
    /// Sets a field that `HTTPField.Name` has no constant for (`Accept-Post`,
    /// `Referrer-Policy`). The names passed are literal, valid tokens, so the name always
    /// exists; this only spares the force unwrap.
    mutating func setField(named name: String, to value: String) {
        // `HTTPFields.Element` is swift-http-types' `HTTPField`, which Hummingbird does not re-export.
        if let fieldName = HTTPFields.Element.Name(name) { self[fieldName] = value }
    }

    /// These fields with `name` set to `value`.
    func settingField(named name: String, to value: String) -> HTTPFields {
        var fields = self
        fields.setField(named: name, to: value)
        return fields
    }

    /// The value of the first field named `name`. The subscript `self[name]` joins every such
    /// field into a new string, which every request paid for on each header it read.
    func firstValue(_ name: HTTPFields.Element.Name) -> String? {
        first { $0.name == name }?.value
    }
}
