// Thread-safe recorders for values that Rust hands to Swift on its own threads (events, log
// records, store calls).
import Foundation
import CognitoAuth

/// A value guarded by a lock. `@unchecked Sendable`: `value` is only touched with `lock` held.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withValue<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }

    var current: Value { withValue { $0 } }
}

extension Locked where Value: RangeReplaceableCollection {
    func append(_ element: Value.Element) { withValue { $0.append(element) } }
}

/// A `SecretStore` written in Swift that records every call Rust makes and lets a test read
/// and rewrite what Rust stored.
final class RecordingStore: SecretStore {
    let inner = InMemorySecretStore()
    let calls = Locked<[String]>([])

    func get(key: String) throws -> String? {
        calls.append("get \(key)")
        return try inner.get(key: key)
    }

    func set(key: String, value: String) throws {
        calls.append("set \(key)")
        try inner.set(key: key, value: value)
    }

    func delete(key: String) throws {
        calls.append("delete \(key)")
        try inner.delete(key: key)
    }

    /// The JSON object Rust stored under `key`.
    func json(_ key: String) throws -> [String: Any] {
        guard let text = try inner.get(key: key) else {
            throw TestSetupError("nothing stored under \(key)")
        }
        return try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
    }

    /// Stores `object` as JSON under `key`, as Rust would.
    func setJSON(_ key: String, _ object: [String: Any]) throws {
        let data = try JSONSerialization.data(withJSONObject: object)
        try inner.set(key: key, value: String(decoding: data, as: UTF8.self))
    }
}

/// The prefix of every key the core stores for `pool` (see core/src/store.rs).
func storePrefix(_ pool: Pool) -> String {
    "cognito-auth/\(pool.poolId)/\(pool.clientId)/"
}
