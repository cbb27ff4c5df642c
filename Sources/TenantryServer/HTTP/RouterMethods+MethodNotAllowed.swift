public import Hummingbird

extension RouterMethods {
    /// Answers 405 method-not-allowed (with `Allow`) for the usual methods other than `allowed`
    /// on `path`; without this, a known path with the wrong method would be a 404.
    @discardableResult
    public func refuseMethods(on path: RouterPath, except allowed: [HTTPRequest.Method]) -> Self {
        let others: [HTTPRequest.Method] = [.get, .head, .post, .put, .patch, .delete, .options].filter { !allowed.contains($0) }
        for method in others {
            on(path, method: method) { request, _ -> Response in
                throw ProblemDetails.methodNotAllowed(request, allowed: allowed)
            }
        }
        return self
    }
}
