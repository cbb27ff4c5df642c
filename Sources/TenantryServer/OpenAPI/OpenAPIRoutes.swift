public import Hummingbird
import NIOCore

/// `GET /openapi.yaml`: the OpenAPI 3.1 document of every route, kept true by a test that
/// compares it with the routes the router registers.
public struct OpenAPIRoutes<Context: RequestContext>: Sendable {
    public init() {}

    /// The document, as compiled into the binary.
    public static var document: [UInt8] { PackageResources.openapi_yaml }

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
