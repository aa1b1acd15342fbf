// Hand-written: a SecretStore in memory, for tests and previews only.
import Foundation

/// A `SecretStore` in process memory: everything is lost when the process ends. **For tests and
/// previews only**; apps use `KeychainSecretStore` (or their own store).
///
/// `@unchecked Sendable`: the dictionary is only touched with `lock` held (Rust calls the store
/// from its own threads).
public final class InMemorySecretStore: SecretStore, @unchecked Sendable {
    private var values: [String: String] = [:]
    private let lock = NSLock()

    public init() {}

    public func get(key: String) throws -> String? {
        locked { values[key] }
    }

    public func set(key: String, value: String) throws {
        locked { values[key] = value }
    }

    public func delete(key: String) throws {
        locked { _ = values.removeValue(forKey: key) }
    }

    /// The keys present, sorted (for tests).
    public func keys() -> [String] {
        locked { values.keys.sorted() }
    }

    // Not NSLock.withLock: that needs iOS 17 / macOS 14 on Apple platforms.
    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
