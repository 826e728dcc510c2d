package dev.zeph.pidfile;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The core jar as the build packaged it, whichever JDK ran Maven: a multi-release jar whose
 * {@code META-INF/versions/22} holds the {@code java.lang.foreign} backend whenever the build had
 * a JDK 22+ to compile it with ({@code zeph.java22.javac}, {@code none} when it had not), so that
 * applications on JDK 22+ never fall back to jffi because of the JDK the jar was built on.
 */
class PackagedJarIT {

	private static final String FOREIGN = "META-INF/versions/22/dev/zeph/pidfile/ForeignNativeAccess.class";

	private static final int JAVA_17 = 61;

	private static final int JAVA_22 = 66;

	@TempDir
	Path temp;

	@Test
	void jarShouldHoldTheForeignBackendForJava22WhenTheBuildHadAJdk22() throws Exception {
		String compiler = System.getProperty("zeph.java22.javac");
		assertThat(compiler).as("zeph.java22.javac, set by the build").isNotBlank().doesNotStartWith("${");
		try (JarFile jar = new JarFile(packagedJar().toFile())) {
			assertThat(jar.getManifest().getMainAttributes().getValue("Multi-Release")).isEqualTo("true");
			assertThat(classFileVersion(jar, "dev/zeph/pidfile/PidFile.class")).isEqualTo(JAVA_17);
			if ("none".equals(compiler)) {
				assertThat(jar.stream().map(JarEntry::getName))
					.noneMatch((name) -> name.startsWith("META-INF/versions/") && name.endsWith(".class"));
			}
			else {
				assertThat(jar.getJarEntry(FOREIGN)).as(FOREIGN + ", compiled by " + compiler).isNotNull();
				assertThat(classFileVersion(jar, FOREIGN)).isEqualTo(JAVA_22);
			}
		}
	}

	@Test
	void jarShouldLockWithTheForeignBackendOnJava22OrLater() throws Exception {
		assumeThat(Runtime.version().feature()).isGreaterThanOrEqualTo(22);
		packagedJar();
		try (PidFile pidFile = PidFile.acquire(this.temp.resolve("it.pid"))) {
			assertThat(pidFile.nativeBackend()).isEqualTo("java.lang.foreign");
		}
	}

	/** The jar on this class path: failsafe puts the packaged artifact there in place of target/classes. */
	private static Path packagedJar() throws Exception {
		Path location = Path.of(PidFile.class.getProtectionDomain().getCodeSource().getLocation().toURI());
		assertThat(location.getFileName().toString()).as("the class path holds the packaged jar").endsWith(".jar");
		return location;
	}

	private static int classFileVersion(JarFile jar, String name) throws IOException {
		JarEntry entry = jar.getJarEntry(name);
		assertThat(entry).as(name).isNotNull();
		try (InputStream in = jar.getInputStream(entry); DataInputStream data = new DataInputStream(in)) {
			assertThat(data.readInt()).isEqualTo(0xCAFEBABE);
			data.readUnsignedShort();
			return data.readUnsignedShort();
		}
	}

}
