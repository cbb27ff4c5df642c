import Mustache

/// The signup pages' Mustache templates (`Templates/*.mustache`, embedded in the binary),
/// parsed once into one library: `document` is the page around every other (Mustache
/// inheritance, `{{<document}}{{$body}}…`), `progress` a partial of the form and status pages.
enum SignupTemplates {
    /// Why the templates cannot be used: a template that does not parse (a mistake in this
    /// release, which the page tests catch), or a page that names no template.
    struct Failure: Error, Sendable, CustomStringConvertible {
        let description: String
    }

    /// The parsed library, or why it could not be made.
    static let library: Result<MustacheLibrary, Failure> = {
        // Registered before parsing: the parser looks the content type up by name.
        MustacheContentTypes.register(ScalarHTMLEscaping(), named: ScalarHTMLEscaping.name)
        // Each template starts by naming the escaping (a partial or parent starts over with the
        // library's default), here rather than in each file so that none can forget it.
        let pragma = "{{% CONTENT_TYPE: \(ScalarHTMLEscaping.name)}}"
        let sources: [(name: String, bytes: [UInt8])] = [
            ("document", PackageResources.document_mustache),
            ("form", PackageResources.form_mustache),
            ("status", PackageResources.status_mustache),
            ("not-found", PackageResources.not_found_mustache),
            ("progress", PackageResources.progress_mustache),
        ]
        var library = MustacheLibrary()
        for source in sources {
            do {
                library.register(try MustacheTemplate(string: pragma + String(decoding: source.bytes, as: UTF8.self)), named: source.name)
            } catch {
                return .failure(Failure(description: "signup template \(source.name) does not parse: \(error)"))
            }
        }
        return .success(library)
    }()

    /// `page` rendered by the template `name`.
    static func render(_ page: Any, with name: String) throws(Failure) -> String {
        let templates = try Self.library.get()
        guard let html = templates.render(page, withTemplate: name) else {
            throw Failure(description: "no signup template named \(name)")
        }
        return html
    }
}
