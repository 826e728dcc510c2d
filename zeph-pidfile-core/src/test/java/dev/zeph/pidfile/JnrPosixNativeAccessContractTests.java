package dev.zeph.pidfile;

/**
 * The native backend contract on {@link NativeBackend#JNR_POSIX}.
 */
class JnrPosixNativeAccessContractTests extends NativeAccessContractTests {

	@Override
	NativeBackend backend() {
		return NativeBackend.JNR_POSIX;
	}

}
