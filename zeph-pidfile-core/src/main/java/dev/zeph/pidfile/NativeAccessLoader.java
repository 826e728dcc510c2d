package dev.zeph.pidfile;

import java.nio.file.Path;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Chooses and loads the native backend once, on first use rather than at class load, so that
 * an unsupported platform fails at {@code acquire} with a clear message and an application
 * that never acquires loads nothing native. On Linux, {@code java.lang.foreign} serves Java
 * 22+ (no jnr class is loaded) and a narrow jnr-ffi binding serves Java 17 to 21; elsewhere
 * (macOS) jnr-posix serves, which knows each platform's {@code struct stat}.
 */
final class NativeAccessLoader {

	/**
	 * System property that picks the backend: {@code auto} (the default), {@code foreign},
	 * {@code jnr} (jnr-ffi on Linux, jnr-posix elsewhere) or {@code jnr-posix}.
	 */
	static final String BACKEND_PROPERTY = "zeph.pidfile.native";

	private static final String FOREIGN_CLASS = "dev.zeph.pidfile.ForeignNativeAccess";

	private static volatile @Nullable NativeAccess loaded;

	private NativeAccessLoader() {
	}

	static NativeAccess get(Path path) throws UnsupportedPlatformException {
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
			throws UnsupportedPlatformException {
		if (osName.toLowerCase(Locale.ROOT).startsWith("windows")) {
			throw new UnsupportedPlatformException(path,
					osName + " has no flock(2); zeph-pidfile supports Linux and macOS", null);
		}
		String backend = choice.trim().toLowerCase(Locale.ROOT);
		if (!backend.equals("auto") && !backend.equals("jnr") && !backend.equals("foreign")
				&& !backend.equals("jnr-posix")) {
			throw new UnsupportedPlatformException(path,
					"-D" + BACKEND_PROPERTY + "=" + choice + " names no backend; use auto, foreign, jnr or jnr-posix",
					null);
		}
		boolean linux = LinuxAbi.isSupported(osName, osArch);
		if (backend.equals("foreign") || (backend.equals("auto") && linux && javaFeature >= 22)) {
			try {
				return (NativeAccess) Class.forName(FOREIGN_CLASS).getDeclaredConstructor().newInstance();
			}
			catch (ReflectiveOperationException | LinkageError | RuntimeException ex) {
				if (backend.equals("foreign")) {
					throw new UnsupportedPlatformException(path, "the java.lang.foreign backend is not available on Java "
							+ javaFeature + " " + osName + "/" + osArch + ": " + ex, ex);
				}
				// a jar built on JDK 17 carries no foreign backend: jnr serves every JDK
			}
		}
		try {
			return (linux && !backend.equals("jnr-posix")) ? new JnrFfiNativeAccess() : new JnrNativeAccess();
		}
		catch (LinkageError | RuntimeException ex) {
			throw new UnsupportedPlatformException(path,
					"jnr cannot call flock(2) on " + osName + "/" + osArch + ": " + ex, ex);
		}
	}

}
