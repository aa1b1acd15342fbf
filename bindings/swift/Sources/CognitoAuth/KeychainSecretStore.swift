// Hand-written: the SecretStore over the iOS / macOS Keychain. Apple platforms only (the
// Security framework): on Linux this file compiles to nothing. NOT COMPILED OR RUN BY CI (Linux,
// no Keychain); needs a Mac or an iOS device (see bindings/README.md).
#if canImport(Security)
import Foundation
import Security

/// Keeps tokens and device secrets as generic passwords in the Keychain, readable only while
/// the device is unlocked and never synced or restored to another device
/// (`kSecAttrAccessibleWhenUnlockedThisDeviceOnly`), so a remembered device's secret stays on
/// the device it belongs to.
/// Sendable (checked): its stored properties are immutable `String`s; the Keychain is thread-safe.
public final class KeychainSecretStore: SecretStore {
    private let service: String
    private let accessGroup: String?

    /// `service` namespaces the items (e.g. your bundle id + ".auth"); `accessGroup` shares them
    /// with app extensions.
    public init(service: String, accessGroup: String? = nil) {
        self.service = service
        self.accessGroup = accessGroup
    }

    private func query(_ key: String) -> [String: Any] {
        var query: [String: Any] = [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: service,
            kSecAttrAccount as String: key,
            kSecUseDataProtectionKeychain as String: true,
        ]
        if let accessGroup { query[kSecAttrAccessGroup as String] = accessGroup }
        return query
    }

    public func get(key: String) throws -> String? {
        var query = query(key)
        query[kSecReturnData as String] = true
        query[kSecMatchLimit as String] = kSecMatchLimitOne
        var result: AnyObject?
        let status = SecItemCopyMatching(query as CFDictionary, &result)
        switch status {
        case errSecSuccess:
            guard let data = result as? Data, let value = String(data: data, encoding: .utf8) else {
                throw StoreError.Failed(detail: "the Keychain item for \(key) is not UTF-8")
            }
            return value
        case errSecItemNotFound:
            return nil
        default:
            throw StoreError.Failed(detail: "Keychain read failed (OSStatus \(status))")
        }
    }

    public func set(key: String, value: String) throws {
        let data = Data(value.utf8)
        let attributes: [String: Any] = [
            kSecValueData as String: data,
            kSecAttrAccessible as String: kSecAttrAccessibleWhenUnlockedThisDeviceOnly,
        ]
        var status = SecItemUpdate(query(key) as CFDictionary, attributes as CFDictionary)
        if status == errSecItemNotFound {
            var add = query(key)
            add.merge(attributes) { _, new in new }
            status = SecItemAdd(add as CFDictionary, nil)
        }
        guard status == errSecSuccess else {
            throw StoreError.Failed(detail: "Keychain write failed (OSStatus \(status))")
        }
    }

    public func delete(key: String) throws {
        let status = SecItemDelete(query(key) as CFDictionary)
        guard status == errSecSuccess || status == errSecItemNotFound else {
            throw StoreError.Failed(detail: "Keychain delete failed (OSStatus \(status))")
        }
    }
}

#endif
