package dev.zeph.pidfile;

/**
 * The native backend contract on {@link NativeBackend#JFFI}.
 */
class JffiNativeAccessContractTests extends NativeAccessContractTests {

	@Override
	NativeBackend backend() {
		return NativeBackend.JFFI;
	}

}
