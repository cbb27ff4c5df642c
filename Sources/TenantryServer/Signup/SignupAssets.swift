import Hummingbird

/// The signup page's stylesheet and script, embedded in the binary (`Assets/`, plain files, no
/// build step) and served with their content type, an ETag and a cache lifetime of an hour
/// (a new release changes the ETag, so a revalidation picks it up).
enum SignupAssets {
    struct Asset: Sendable {
        let bytes: [UInt8]
        let contentType: String
        let tag: EntityTag

        init(_ bytes: [UInt8], contentType: String) {
            self.bytes = bytes
            self.contentType = contentType
            self.tag = EntityTag(of: bytes)
        }
    }

    static let stylesheet = Asset(PackageResources.signup_css, contentType: "text/css; charset=utf-8")
    static let script = Asset(PackageResources.signup_js, contentType: "text/javascript; charset=utf-8")

    /// `GET /assets/signup.css` and `GET /assets/signup.js` (HEAD too; other methods 405).
    static func register<Context: RequestContext>(on router: some RouterMethods<Context>) {
        for (path, asset) in [("assets/signup.css", stylesheet), ("assets/signup.js", script)] {
            router.refuseMethods(on: RouterPath(path), except: [.get, .head])
            router.get(RouterPath(path)) { request, _ -> Response in
                respond(with: asset, to: request)
            }
        }
    }

    /// The asset, or 304 when `If-None-Match` has its tag.
    static func respond(with asset: Asset, to request: Request) -> Response {
        let headers: HTTPFields = [
            .eTag: asset.tag.headerValue,
            .cacheControl: "public, max-age=3600",
            .xContentTypeOptions: "nosniff",
        ]
        if asset.tag.isMatched(byIfNoneMatch: request.headers[values: .ifNoneMatch]) {
            return Response(status: .notModified, headers: headers)
        }
        var fields = headers
        fields[.contentType] = asset.contentType
        fields[.contentLength] = String(asset.bytes.count)
        return Response(status: .ok, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: asset.bytes)))
    }
}
