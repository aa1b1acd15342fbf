//! The real Keychain: one `SecItem*` call per [`KeychainBackend`] method, with the item's
//! attributes in a `CFDictionary`. Compiled for Apple targets only (checked for iOS and macOS by
//! scripts/check-targets).
#![allow(unsafe_code)]

use std::ptr;

use core_foundation::base::{CFType, CFTypeRef, TCFType};
use core_foundation::boolean::CFBoolean;
use core_foundation::data::CFData;
use core_foundation::dictionary::CFDictionary;
use core_foundation::string::{CFString, CFStringRef};
use security_framework_sys::access_control::kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly;
use security_framework_sys::base::errSecSuccess;
use security_framework_sys::item::{
    kSecAttrAccessGroup, kSecAttrAccount, kSecAttrService, kSecClass, kSecClassGenericPassword,
    kSecReturnData, kSecUseDataProtectionKeychain, kSecValueData,
};
use security_framework_sys::keychain_item::{
    SecItemAdd, SecItemCopyMatching, SecItemDelete, SecItemUpdate,
};
use zeroize::Zeroizing;

use crate::{Accessibility, Item, KeychainBackend};

// Not declared by security-framework-sys.
#[cfg_attr(target_vendor = "apple", link(name = "Security", kind = "framework"))]
extern "C" {
    static kSecAttrAccessible: CFStringRef;
}

/// The system Keychain.
pub(crate) struct SystemKeychain;

/// A `CFString` for one of the Security framework's constant keys.
fn constant(key: CFStringRef) -> CFString {
    // SAFETY: the Security framework's constants are valid, immortal CFStrings.
    unsafe { CFString::wrap_under_get_rule(key) }
}

/// The attributes that identify the item (the query of every call).
fn identity(item: &Item<'_>) -> Vec<(CFString, CFType)> {
    // SAFETY: reading the framework's constant `CFStringRef`s.
    let mut pairs = unsafe {
        vec![
            (
                constant(kSecClass),
                constant(kSecClassGenericPassword).into_CFType(),
            ),
            (
                constant(kSecAttrService),
                CFString::new(item.service).into_CFType(),
            ),
            (
                constant(kSecAttrAccount),
                CFString::new(item.account).into_CFType(),
            ),
        ]
    };
    if let Some(group) = item.access_group {
        // SAFETY: as above.
        let key = unsafe { constant(kSecAttrAccessGroup) };
        pairs.push((key, CFString::new(group).into_CFType()));
    }
    if item.data_protection_keychain {
        // SAFETY: as above.
        let key = unsafe { constant(kSecUseDataProtectionKeychain) };
        pairs.push((key, CFBoolean::true_value().into_CFType()));
    }
    pairs
}

/// The attributes written by add and update: data and accessibility.
fn contents(item: &Item<'_>, secret: &[u8]) -> Vec<(CFString, CFType)> {
    let accessibility = match item.accessibility {
        // SAFETY: as above.
        Accessibility::AfterFirstUnlockThisDeviceOnly => unsafe {
            constant(kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly)
        },
    };
    // SAFETY: as above.
    unsafe {
        vec![
            (constant(kSecAttrAccessible), accessibility.into_CFType()),
            (
                constant(kSecValueData),
                CFData::from_buffer(secret).into_CFType(),
            ),
        ]
    }
}

fn dictionary(pairs: &[(CFString, CFType)]) -> CFDictionary<CFString, CFType> {
    CFDictionary::from_CFType_pairs(pairs)
}

fn check(status: i32) -> Result<(), i32> {
    if status == errSecSuccess {
        Ok(())
    } else {
        Err(status)
    }
}

impl KeychainBackend for SystemKeychain {
    fn add(&self, item: &Item<'_>, secret: &[u8]) -> Result<(), i32> {
        let mut attributes = identity(item);
        attributes.extend(contents(item, secret));
        let attributes = dictionary(&attributes);
        // SAFETY: a valid dictionary; no result is requested.
        check(unsafe { SecItemAdd(attributes.as_concrete_TypeRef(), ptr::null_mut()) })
    }

    fn update(&self, item: &Item<'_>, secret: &[u8]) -> Result<(), i32> {
        let query = dictionary(&identity(item));
        let changes = dictionary(&contents(item, secret));
        // SAFETY: two valid dictionaries.
        check(unsafe { SecItemUpdate(query.as_concrete_TypeRef(), changes.as_concrete_TypeRef()) })
    }

    fn find(&self, item: &Item<'_>) -> Result<Zeroizing<Vec<u8>>, i32> {
        let mut query = identity(item);
        // SAFETY: as above. The default match limit is one item.
        query.push(unsafe {
            (
                constant(kSecReturnData),
                CFBoolean::true_value().into_CFType(),
            )
        });
        let query = dictionary(&query);
        let mut result: CFTypeRef = ptr::null();
        // SAFETY: a valid dictionary and a valid out-pointer; on success `result` is a +1
        // reference that we own.
        check(unsafe { SecItemCopyMatching(query.as_concrete_TypeRef(), &mut result) })?;
        if result.is_null() {
            return Err(crate::status::ITEM_NOT_FOUND);
        }
        // SAFETY: a +1 reference returned by SecItemCopyMatching.
        let result = unsafe { CFType::wrap_under_create_rule(result) };
        match result.downcast_into::<CFData>() {
            Some(data) => Ok(Zeroizing::new(data.bytes().to_vec())),
            None => Err(crate::status::PARAM),
        }
    }

    fn delete(&self, item: &Item<'_>) -> Result<(), i32> {
        let query = dictionary(&identity(item));
        // SAFETY: a valid dictionary.
        check(unsafe { SecItemDelete(query.as_concrete_TypeRef()) })
    }
}
