#!/usr/bin/env bash
# Builds the native library of this package (Rust crate cognito-auth-c) for one platform;
# called by the build glue of each platform (android/build.gradle, ios|macos podspec script
# phases, linux/CMakeLists.txt). Needs Rust (rustup, cargo) on the build machine.
#
#   tool/build_native.sh android <out dir>                # cargo-ndk: jniLibs/<abi>/libcognito_auth_c.so
#   tool/build_native.sh apple <out dir> <platform> <archs> <configuration>
#                                                         # libcognito_auth_c.a (lipo of the archs)
#   tool/build_native.sh linux <out dir> [<configuration>] # libcognito_auth_c.so
#
# The Cargo workspace is found at ../../.. of this file (the package sits in bindings/flutter of
# the cognito-auth repository); override with COGNITO_AUTH_CARGO_DIR. Release builds use the
# workspace's size profile `release-ffi` (unwinding kept: the library catches panics).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CARGO_DIR="${COGNITO_AUTH_CARGO_DIR:-$(cd "$HERE/../../.." && pwd)}"
CRATE=cognito-auth-c
LIB=cognito_auth_c
kind="${1:?platform: android, apple or linux}"
out="${2:?output directory}"
mkdir -p "$out"
cd "$CARGO_DIR"
export PATH="$HOME/.cargo/bin:$PATH"   # Xcode and Gradle run with a minimal PATH

profile_for() { case "${1:-Release}" in Debug|debug) echo dev ;; *) echo release-ffi ;; esac; }
dir_for() { [ "$1" = dev ] && echo debug || echo "$1"; }

case "$kind" in
  android)
    min_sdk="${ANDROID_MIN_SDK:-21}"
    rustup target add aarch64-linux-android armv7-linux-androideabi x86_64-linux-android >/dev/null
    command -v cargo-ndk >/dev/null || cargo install cargo-ndk --locked
    RUSTFLAGS="${RUSTFLAGS:-} -C link-arg=-Wl,-z,max-page-size=16384" \
      cargo ndk --platform "$min_sdk" -t arm64-v8a -t armeabi-v7a -t x86_64 -o "$out" \
      build --profile release-ffi -p "$CRATE" --lib
    ;;
  apple)
    platform="${3:?platform: iphoneos, iphonesimulator or macosx}"
    archs="${4:?archs, e.g. 'arm64 x86_64'}"
    profile=$(profile_for "${5:-Release}")
    libs=()
    for arch in $archs; do
      case "$platform/$arch" in
        iphoneos/arm64) target=aarch64-apple-ios ;;
        iphonesimulator/arm64) target=aarch64-apple-ios-sim ;;
        iphonesimulator/x86_64) target=x86_64-apple-ios ;;
        macosx/arm64) target=aarch64-apple-darwin ;;
        macosx/x86_64) target=x86_64-apple-darwin ;;
        *) echo "build_native.sh: unsupported $platform/$arch" >&2; exit 1 ;;
      esac
      rustup target add "$target" >/dev/null
      cargo build --profile "$profile" -p "$CRATE" --lib --target "$target"
      libs+=("target/$target/$(dir_for "$profile")/lib$LIB.a")
    done
    lipo -create "${libs[@]}" -output "$out/lib$LIB.a"
    ;;
  linux)
    profile=$(profile_for "${3:-Release}")
    cargo build --profile "$profile" -p "$CRATE" --lib
    cp "target/$(dir_for "$profile")/lib$LIB.so" "$out/lib$LIB.so"
    ;;
  *)
    echo "build_native.sh: unknown platform $kind" >&2; exit 2 ;;
esac
