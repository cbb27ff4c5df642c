public import FeatureFlags
public import Hummingbird

extension Response {
    /// A response whose body is `value` written by `JSONWriter`.
    public static func json(
        _ value: JSONValue,
        status: HTTPResponse.Status = .ok,
        contentType: String = "application/json",
        headers: HTTPFields = [:]
    ) -> Response {
        json(bytes: JSONWriter.bytes(value), status: status, contentType: contentType, headers: headers)
    }

    /// A response with JSON already written (e.g. to compute an ETag from the exact bytes).
    public static func json(
        bytes: [UInt8],
        status: HTTPResponse.Status = .ok,
        contentType: String = "application/json",
        headers: HTTPFields = [:]
    ) -> Response {
        var fields = headers
        fields[.contentType] = contentType
        fields[.contentLength] = String(bytes.count)
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
