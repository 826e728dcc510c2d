package dev.zeph.pidfile.autoconfigure.diagnostics;

import dev.zeph.pidfile.autoconfigure.PidFilePathConflictException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains why {@code spring.pid.file} may not name the locked pid file.
 */
class PidFilePathConflictFailureAnalyzer extends AbstractFailureAnalyzer<PidFilePathConflictException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, PidFilePathConflictException cause) {
		String description = "'zeph.pidfile.path' and 'spring.pid.file' (" + cause.getSpringPidFile()
				+ ") both name the pid file " + cause.getPath() + ". Spring Boot's ApplicationPidFileWriter writes"
				+ " that file without a lock and deletes it when the JVM exits, so it would fight the lock over the"
				+ " file and could delete the file that the next instance has just locked.";
		String action = "Remove 'spring.pid.file': zeph-pidfile already writes this process's pid into "
				+ cause.getPath() + ". Or point one of the two properties at another file.";
		return new FailureAnalysis(description, action, cause);
	}

}
