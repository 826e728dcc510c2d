package dev.zeph.pidfile.autoconfigure.diagnostics;

import dev.zeph.pidfile.NativeLoadException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start refused because the native layer that calls {@code flock(2)} could not be
 * loaded on a platform that has it. It refuses on the default path too: the platform is fit
 * for the lock, so starting without one would hide a mistake in how the JVM is run. jffi
 * unpacks its JNI library into {@code jffi.extract.dir}, else {@code java.io.tmpdir}, else the
 * working directory, and must be able to execute it there; a directory mounted {@code noexec}
 * is the usual cause, so the action names the directories and the ways around them. The
 * stack trace stays in the cause, logged with {@code --debug}.
 */
class NativeLoadFailureAnalyzer extends AbstractFailureAnalyzer<NativeLoadException> {

	private static final String EXTRACT_DIR_PROPERTY = "jffi.extract.dir";

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, NativeLoadException cause) {
		String description = cause.getMessage() + ". This platform has flock(2), but without the native library"
				+ " the pid file cannot be locked, so the application does not start.";
		return new FailureAnalysis(description, action(cause), cause);
	}

	private static String action(NativeLoadException cause) {
		// what dlopen(3) says when mmap(2) may not map a file executable: a noexec mount
		boolean notExecutable = String.valueOf(cause.getMessage()).contains("failed to map segment");
		String extractDir = System.getProperty(EXTRACT_DIR_PROPERTY);
		String directories = ((extractDir != null) ? "-D" + EXTRACT_DIR_PROPERTY + " (" + extractDir + "), then " : "")
				+ "java.io.tmpdir (" + System.getProperty("java.io.tmpdir") + "), then the working directory ("
				+ System.getProperty("user.dir") + ")";
		String why = notExecutable
				? "The temporary directory is not executable (mounted noexec): " + cause.getBackend()
						+ " unpacks its JNI library into " + directories + " and cannot load it from there."
				: cause.getBackend() + " unpacks its JNI library into " + directories
						+ " and could not load it from there.";
		// on Java 22+ jffi serves only when the jar was built without the java.lang.foreign backend
		String newerJava = (Runtime.version().feature() < 22)
				? "run the application on Java 22 or later, where zeph-pidfile calls flock(2) through java.lang.foreign"
						+ " and unpacks no native library"
				: "use a zeph-pidfile-core jar built on Java 22 or later, which calls flock(2) through"
						+ " java.lang.foreign and unpacks no native library";
		return why + " Set -D" + EXTRACT_DIR_PROPERTY + "=<directory> to a directory that this user can write"
				+ " and that is not mounted noexec, or point -Djava.io.tmpdir at one; or " + newerJava
				+ ". To start without a pid file, set 'zeph.pidfile.enabled=false'.";
	}

}
