public import Hummingbird
public import NIOCore

extension Request {
    /// The whole body, up to the context's limit (`maxUploadSize`). A body that declares a
    /// larger `Content-Length` is refused at once, before any of it is read; one that turns out
    /// larger while it is read throws `NIOTooManyBytesError`. Both are 413 content-too-large,
    /// after which `RefusedBodyMiddleware` closes the connection.
    public func readBody(context: some RequestContext) async throws -> ByteBuffer {
        try await readBody(upTo: context.maxUploadSize)
    }

    /// The whole body, up to `limit` bytes, refused as `readBody(context:)` refuses.
    public func readBody(upTo limit: Int) async throws -> ByteBuffer {
        if let declared = headers.firstValue(.contentLength).flatMap({ Int($0) }), declared > limit {
            throw ProblemDetails.contentTooLarge(limit: limit)
        }
        return try await body.collect(upTo: limit)
    }
}
