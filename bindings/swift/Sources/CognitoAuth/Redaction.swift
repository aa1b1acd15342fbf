// Hand-written: what reflection shows of the values that hold secrets.
//
// AuthTokens, TotpSetupDetails and AuthConfig get `description` and `debugDescription` from
// their Rust `Display` / `Debug`, which redact the tokens, the TOTP secret and the client secret
// (`String(describing:)`, `String(reflecting:)`, `print`, string interpolation, and the default
// description of everything containing them: AuthSession, SignInResult, SignInNextStep). But
// `dump()`, debuggers and other Mirror-based tools read the stored properties directly through
// `Mirror(reflecting:)`, which would show them. These custom mirrors list only the fields that
// are not secret.
//
// The types are generated into the CognitoAuthFFI module, which is in this package (so these are
// not retroactive conformances); the conformances live here because the generated code is never
// edited. UniFFI does not generate `CustomReflectable`, so they cannot clash.
import CognitoAuthFFI

extension AuthTokens: CustomReflectable {
    /// The expiry only: never the access or ID token.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "accessToken": "<redacted>",
                "idToken": idToken == nil ? "nil" : "<redacted>",
                "expiresAt": expiresAt,
            ],
            displayStyle: .struct
        )
    }
}

extension TotpSetupDetails: CustomReflectable {
    /// The account name only: never the shared secret.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: ["sharedSecret": "<redacted>", "username": username],
            displayStyle: .struct
        )
    }
}

extension AuthConfig: CustomReflectable {
    /// Every field except the client secret.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "endpoint": endpoint,
                "userPoolId": userPoolId,
                "clientId": clientId,
                "clientSecret": clientSecret == nil ? "nil" : "<redacted>",
                "deviceName": deviceName as Any,
                "refreshMarginSeconds": refreshMarginSeconds,
            ],
            displayStyle: .struct
        )
    }
}
