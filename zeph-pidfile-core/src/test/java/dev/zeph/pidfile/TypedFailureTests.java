package dev.zeph.pidfile;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.OptionalLong;
import java.util.Set;

import dev.zeph.pidfile.PidFileException.Operation;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the typed parts of a failure: {@link Errno} named from the platform's ABI
 * numbers, {@link Operation}, and the String getters that keep returning the same text.
 */
class TypedFailureTests {

	private static final Path PATH = Path.of("/run/app.pid");

	@Test
	void linuxAbiShouldNameErrnoNumbersOfTheKernel() {
		assertThat(LinuxAbi.errno(2)).isEqualTo(Errno.ENOENT);
		assertThat(LinuxAbi.errno(11)).isEqualTo(Errno.EWOULDBLOCK);
		assertThat(LinuxAbi.errno(13)).isEqualTo(Errno.EACCES);
		assertThat(LinuxAbi.errno(17)).isEqualTo(Errno.EEXIST);
		assertThat(LinuxAbi.errno(40)).isEqualTo(Errno.ELOOP);
		assertThat(LinuxAbi.errno(122)).isEqualTo(Errno.EDQUOT);
		assertThat(LinuxAbi.errno(134)).isNull();
	}

	@Test
	void linuxAbiShouldNameEveryErrno() {
		Set<Errno> named = EnumSet.noneOf(Errno.class);
		for (int number = 0; number < 256; number++) {
			Errno errno = LinuxAbi.errno(number);
			if (errno != null) {
				assertThat(named.add(errno)).as("%s named once", errno).isTrue();
			}
		}
		assertThat(named).containsExactlyInAnyOrder(Errno.values());
	}

	@Test
	void failureFromASystemCallShouldCarryTheTypesAndTheirNames() {
		PidFileException ex = new PidFileException(PATH, Operation.CREATE,
				SystemError.of(Errno.EROFS, 30, "Read-only file system"));
		assertThat(ex.getOperationType()).isEqualTo(Operation.CREATE);
		assertThat(ex.getOperation()).isEqualTo("create");
		assertThat(ex.getErrnoType()).hasValue(Errno.EROFS);
		assertThat(ex.getErrno()).hasValue("EROFS");
		assertThat(ex.getMessage()).isEqualTo("Cannot create pid file /run/app.pid: Read-only file system (EROFS)");
	}

	@Test
	void failureWithAnErrnoThePlatformDoesNotNameShouldKeepItsNumber() {
		PidFileException ex = new PidFileException(PATH, Operation.WRITE, SystemError.of(null, 134, "Strange"));
		assertThat(ex.getErrnoType()).isEmpty();
		assertThat(ex.getErrno()).hasValue("errno 134");
	}

	@Test
	void failureMadeWithTextsShouldKeepTheTextsAndTypeWhatItKnows() {
		PidFileException known = new PidFileException("m", PATH, "create directory", "EACCES", null);
		assertThat(known.getOperationType()).isEqualTo(Operation.CREATE_DIRECTORY);
		assertThat(known.getErrnoType()).hasValue(Errno.EACCES);
		PidFileException other = new PidFileException("m", PATH, "rename", "EWHATEVER", null);
		assertThat(other.getOperationType()).isEqualTo(Operation.OTHER);
		assertThat(other.getOperation()).isEqualTo("rename");
		assertThat(other.getErrnoType()).isEmpty();
		assertThat(other.getErrno()).hasValue("EWHATEVER");
	}

	@Test
	void refusalsShouldSayTheirOperationByType() {
		assertThat(new NotAPidFileException(PATH).getOperationType()).isEqualTo(Operation.READ);
		assertThat(new AlreadyRunningException(PATH, new PidFileHolder(PidFileHolder.Kind.UNKNOWN,
				OptionalLong.empty(), OptionalLong.empty()), null)
			.getErrnoType()).hasValue(Errno.EWOULDBLOCK);
	}

	@Test
	void backendShouldHaveOneNameThatThePropertyTakes() {
		for (NativeBackend backend : NativeBackend.values()) {
			assertThat(NativeBackend.named(backend.toString())).isEqualTo(backend);
		}
		assertThat(NativeBackend.named("foreign")).isEqualTo(NativeBackend.FOREIGN);
		assertThat(NativeBackend.named("jna")).isNull();
	}

}
