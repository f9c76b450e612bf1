import Hummingbird
import HTTPTypes
import NIOCore

/// `GET /status`: the page, with headers that keep it to itself — no framing by other
/// sites, scripts and styles only from the document, network access only to this origin.
enum StatusPageRoute {
    static let bytes = ByteBuffer(string: StatusPageHTML.document)
    // Header names HTTPTypes has no constant for (valid tokens, so never nil).
    static let frameOptions = HTTPField.Name("X-Frame-Options")
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")

    static func page() -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[.contentSecurityPolicy] = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
            + "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        if let name = frameOptions { headers[name] = "DENY" }
        headers[.xContentTypeOptions] = "nosniff"
        if let name = referrerPolicy { headers[name] = "no-referrer" }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: bytes))
    }
}
