package dev.zeph.pidfile;

import java.nio.file.Path;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Chooses and loads the native backend once, on first use rather than at class load, so that
 * an unsupported platform fails at {@code acquire} with a clear message and an application
 * that never acquires loads nothing native. On Linux x86_64 and aarch64, {@code java.lang.foreign}
 * serves Java 22+ (no jffi or jnr class is loaded) and jffi serves Java 17 to 21; elsewhere
 * (macOS, other architectures) jnr-posix serves, which knows each platform's
 * {@code struct stat}. jnr-posix is an optional dependency: the Linux backends do not need its
 * dozen jars, and every class lookup of an application pays for each jar on its class path.
 */
final class NativeAccessLoader {

	/**
	 * System property that picks the backend: {@code auto} (the default), or a backend's
	 * name: {@code java.lang.foreign}, {@code jffi} or {@code jnr-posix}.
	 */
	static final String BACKEND_PROPERTY = "zeph.pidfile.native";

	private static final String FOREIGN_CLASS = "dev.zeph.pidfile.ForeignNativeAccess";

	private static volatile @Nullable NativeAccess loaded;

	private NativeAccessLoader() {
	}

	static NativeAccess get(Path path) throws UnsupportedPlatformException, NativeLoadException {
		NativeAccess nativeAccess = loaded;
		if (nativeAccess == null) {
			synchronized (NativeAccessLoader.class) {
				nativeAccess = loaded;
				if (nativeAccess == null) {
					nativeAccess = load(System.getProperty("os.name", ""), System.getProperty("os.arch", ""),
							System.getProperty(BACKEND_PROPERTY, "auto"), Runtime.version().feature(), path);
					loaded = nativeAccess;
				}
			}
		}
		return nativeAccess;
	}

	static NativeAccess load(String osName, String osArch, String choice, int javaFeature, Path path)
			throws UnsupportedPlatformException, NativeLoadException {
		return new NativeAccess(libc(osName, osArch, choice, javaFeature, path));
	}

	private static Libc libc(String osName, String osArch, String choice, int javaFeature, Path path)
			throws UnsupportedPlatformException, NativeLoadException {
		if (osName.toLowerCase(Locale.ROOT).startsWith("windows")) {
			throw new UnsupportedPlatformException(path,
					osName + " has no flock(2); zeph-pidfile supports Linux and macOS", null);
		}
		boolean auto = choice.trim().equalsIgnoreCase("auto");
		NativeBackend backend = auto ? null : NativeBackend.named(choice);
		if (!auto && backend == null) {
			throw new UnsupportedPlatformException(path, "-D" + BACKEND_PROPERTY + "=" + choice
					+ " names no backend; use auto, " + NativeBackend.FOREIGN + ", " + NativeBackend.JFFI + " or "
					+ NativeBackend.JNR_POSIX, null);
		}
		boolean linux = LinuxAbi.isSupported(osName, osArch);
		if (backend == NativeBackend.FOREIGN || (auto && linux && javaFeature >= 22)) {
			try {
				return (Libc) Class.forName(FOREIGN_CLASS).getDeclaredConstructor().newInstance();
			}
			catch (ReflectiveOperationException | LinkageError | RuntimeException ex) {
				if (backend == NativeBackend.FOREIGN) {
					throw new UnsupportedPlatformException(path, "the " + NativeBackend.FOREIGN
							+ " backend is not available on Java " + javaFeature + " " + osName + "/" + osArch + ": "
							+ ex, ex);
				}
				// a jar built on JDK 17 carries no foreign backend: jffi serves every JDK
			}
		}
		if (backend == NativeBackend.JFFI && !linux) {
			throw new UnsupportedPlatformException(path, "the jffi backend knows the kernel ABI of Linux x86_64 and aarch64 only, not "
					+ osName + "/" + osArch + "; use jnr-posix", null);
		}
		if (backend == NativeBackend.JFFI || (linux && backend != NativeBackend.JNR_POSIX)) {
			try {
				return new JffiNativeAccess();
			}
			catch (LinkageError | RuntimeException ex) {
				if (isLinkFailure(ex)) {
					throw new NativeLoadException(path, NativeBackend.JFFI.toString(), ex);
				}
				throw new UnsupportedPlatformException(path,
						"jffi cannot call flock(2) on " + osName + "/" + osArch + ": " + ex, ex);
			}
		}
		try {
			return new JnrNativeAccess();
		}
		catch (NoClassDefFoundError ex) {
			throw new UnsupportedPlatformException(path, "zeph-pidfile needs jnr-posix on " + osName + "/" + osArch
					+ ": add the dependency com.github.jnr:jnr-posix (it is optional, as Linux x86_64 and aarch64 do not need it)",
					ex);
		}
		catch (LinkageError | RuntimeException ex) {
			throw new UnsupportedPlatformException(path,
					"jnr-posix cannot call flock(2) on " + osName + "/" + osArch + ": " + ex, ex);
		}
	}

	/**
	 * Whether the JVM refused to link a native library: the platform is supported, but the
	 * library could not be unpacked or loaded here.
	 */
	private static boolean isLinkFailure(Throwable failure) {
		for (Throwable candidate = failure; candidate != null; candidate = candidate.getCause()) {
			if (candidate instanceof UnsatisfiedLinkError) {
				return true;
			}
		}
		return false;
	}

}
