public import Hummingbird

extension HTTPRequest.Method {
    /// The methods `refuseMethods` answers 405 for when a path does not take them: the usual
    /// ones, TRACE and QUERY. Any other method on a known path is answered 405 by
    /// `UnknownMethodMiddleware`, which asks the router with TRACE.
    public static let refusable: [HTTPRequest.Method] = [.get, .head, .post, .put, .patch, .delete, .options, .trace, .query]
}

extension RouterMethods {
    /// Answers 405 method-not-allowed (with `Allow`) for the methods other than `allowed` on
    /// `path` (`HTTPRequest.Method.refusable`; any other method through
    /// `UnknownMethodMiddleware`); without this, a known path with the wrong method would be a 404.
    @discardableResult
    public func refuseMethods(on path: RouterPath, except allowed: [HTTPRequest.Method]) -> Self {
        for method in HTTPRequest.Method.refusable where !allowed.contains(method) {
            on(path, method: method) { request, _ -> Response in
                throw ProblemDetails.methodNotAllowed(request, allowed: allowed)
            }
        }
        return self
    }
}
