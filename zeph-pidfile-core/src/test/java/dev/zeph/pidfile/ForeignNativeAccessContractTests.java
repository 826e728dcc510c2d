package dev.zeph.pidfile;

/**
 * The native backend contract on {@link NativeBackend#FOREIGN}.
 */
class ForeignNativeAccessContractTests extends NativeAccessContractTests {

	@Override
	NativeBackend backend() {
		return NativeBackend.FOREIGN;
	}

}
