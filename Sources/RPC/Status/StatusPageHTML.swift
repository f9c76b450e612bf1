/// Placeholder replaced by the status page document.
enum StatusPageHTML {
    static let document: String = "<!doctype html><title>Cloister status</title>"
}
