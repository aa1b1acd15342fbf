# macos: a script phase builds the static library libcognito_auth_c.a for the SDK and architectures
# Xcode is building (tool/build_native.sh apple), and the pod links it with -force_load so that
# every cognito_* symbol is kept in the app; Dart finds them with DynamicLibrary.process().
# Needs Rust (rustup) on the Mac that builds the app.
Pod::Spec.new do |s|
  s.name             = 'cognito_auth'
  s.version          = '0.1.0'
  s.summary          = 'Amazon Cognito user-pool sign-in backed by the cognito-auth Rust core.'
  s.homepage         = 'https://github.com/'
  s.license          = { :type => 'Apache-2.0' }
  s.author           = { 'cognito-auth' => 'cognito-auth@example.com' }
  s.source           = { :path => '.' }
  s.source_files     = 'Classes/**/*'
  s.dependency 'FlutterMacOS'
  s.platform = :osx, '10.14'
  s.swift_version    = '5.0'

  s.script_phase = {
    :name => 'Build cognito-auth native library (Rust)',
    :script => 'bash "${PODS_TARGET_SRCROOT}/../tool/build_native.sh" apple "${BUILT_PRODUCTS_DIR}" "${PLATFORM_NAME}" "${ARCHS}" "${CONFIGURATION}"',
    :execution_position => :before_compile,
    :input_files => ['${PODS_TARGET_SRCROOT}/../../cognito-auth-c/src/lib.rs'],
    :output_files => ['${BUILT_PRODUCTS_DIR}/libcognito_auth_c.a'],
  }
  s.pod_target_xcconfig = {
    'DEFINES_MODULE' => 'YES',
    'OTHER_LDFLAGS' => '-force_load ${BUILT_PRODUCTS_DIR}/libcognito_auth_c.a',
  }
  s.user_target_xcconfig = {
    'OTHER_LDFLAGS' => '-force_load ${BUILT_PRODUCTS_DIR}/cognito_auth/libcognito_auth_c.a',
  }
end
