// The plugin's Android side: hands the native library what the Android Keystore store needs,
// once, so that a Dart app gets Keystore-backed storage with no code of its own.
package dev.cognitoauth.cognito_auth

import io.flutter.embedding.engine.plugins.FlutterPlugin
import io.flutter.plugin.common.MethodCall
import io.flutter.plugin.common.MethodChannel
import java.io.File

class CognitoAuthPlugin : FlutterPlugin, MethodChannel.MethodCallHandler {
    private var channel: MethodChannel? = null
    private var storeDirectory: File? = null

    override fun onAttachedToEngine(binding: FlutterPlugin.FlutterPluginBinding) {
        // Loaded by the JVM (dart:ffi's dlopen does not call JNI_OnLoad): the library keeps the
        // JavaVM, through which it reaches the Android Keystore.
        System.loadLibrary("cognito_auth_c")
        storeDirectory = File(binding.applicationContext.filesDir, "cognito-auth")
        channel = MethodChannel(binding.binaryMessenger, "dev.cognitoauth.cognito_auth").also {
            it.setMethodCallHandler(this)
        }
    }

    override fun onMethodCall(call: MethodCall, result: MethodChannel.Result) {
        when (call.method) {
            // The folder of the app's files directory the Keystore-backed store writes to.
            "storeDirectory" -> result.success(storeDirectory?.path)
            else -> result.notImplemented()
        }
    }

    override fun onDetachedFromEngine(binding: FlutterPlugin.FlutterPluginBinding) {
        channel?.setMethodCallHandler(null)
        channel = null
    }
}
