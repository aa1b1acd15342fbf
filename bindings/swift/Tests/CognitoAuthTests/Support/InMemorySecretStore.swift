// A SecretStore in memory: a test helper (it is not part of the library).
import Foundation
import CognitoAuth

/// A `SecretStore` in process memory: everything is lost when the process ends. For tests;
/// apps keep the default Keychain store (or bring their own).
///
/// `@unchecked Sendable`: the dictionary is only touched with `lock` held (Rust calls the store
/// from its own threads).
final class InMemorySecretStore: SecretStore, @unchecked Sendable {
    private var values: [String: String] = [:]
    private let lock = NSLock()

    init() {}

    func get(key: String) throws -> String? {
        locked { values[key] }
    }

    func set(key: String, value: String) throws {
        locked { values[key] = value }
    }

    func delete(key: String) throws {
        locked { _ = values.removeValue(forKey: key) }
    }

    /// The keys present, sorted (for tests).
    func keys() -> [String] {
        locked { values.keys.sorted() }
    }

    // Not NSLock.withLock: that needs iOS 17 / macOS 14 on Apple platforms.
    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
