public import Hummingbird
import NIOCore

/// `GET /openapi.yaml`: the OpenAPI 3.1 document of every route, kept true by a test that
/// compares it with the routes the router registers.
public struct OpenAPIRoutes<Context: RequestContext>: Sendable {
    /// The route; it serves the document compiled into the binary.
    public init() {}

    /// The document, as compiled into the binary.
    public static var document: [UInt8] { PackageResources.openapi_yaml }

    /// Adds `GET /openapi.yaml` (HEAD comes with it when the router generates HEAD endpoints);
    /// other methods are 405.
    public func register(on router: some RouterMethods<Context>) {
        router.get("openapi.yaml") { _, _ -> Response in
            let bytes = Self.document
            return Response(
                status: .ok,
                headers: [.contentType: "application/yaml; charset=utf-8", .contentLength: String(bytes.count)],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
            )
        }
        router.refuseMethods(on: "openapi.yaml", except: [.get, .head])
    }
}
