package dev.zeph.pidfile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import dev.zeph.pidfile.testsupport.Commands;

/**
 * A user created for one test with {@code useradd} and removed with {@code userdel}: a real
 * other user, to own files and directories that are not ours and to run commands as. Needs
 * root, {@code useradd} and {@code setpriv}.
 */
final class OtherUser implements AutoCloseable {

	private final String name;

	private final int uid;

	private final int gid;

	private OtherUser(String name, int uid, int gid) {
		this.name = name;
		this.uid = uid;
		this.gid = gid;
	}

	static boolean available() {
		return "root".equals(System.getProperty("user.name")) && Commands.available("useradd")
				&& Commands.available("userdel") && Commands.available("setpriv");
	}

	static OtherUser create() throws IOException, InterruptedException {
		String name = "zeph" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 30), 36);
		Commands.Result added = Commands.run("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
				name);
		if (added.exitCode() != 0) {
			throw new IllegalStateException("useradd " + name + " failed: " + added.output());
		}
		return new OtherUser(name, id("-u", name), id("-g", name));
	}

	private static int id(String option, String name) throws IOException, InterruptedException {
		return Integer.parseInt(Commands.run("id", option, name).output().trim());
	}

	String name() {
		return this.name;
	}

	int uid() {
		return this.uid;
	}

	/**
	 * The command run as this user: {@code setpriv} executes it in its own process, so the
	 * process started is the command's.
	 */
	List<String> command(String... command) {
		List<String> asUser = new ArrayList<>(List.of("setpriv", "--reuid=" + this.uid, "--regid=" + this.gid,
				"--clear-groups"));
		asUser.addAll(List.of(command));
		return asUser;
	}

	void own(Path path) throws IOException, InterruptedException {
		Commands.Result chown = Commands.run("chown", this.uid + ":" + this.gid, path.toString());
		if (chown.exitCode() != 0) {
			throw new IllegalStateException("chown " + path + " failed: " + chown.output());
		}
	}

	@Override
	public void close() throws IOException, InterruptedException {
		Commands.run("userdel", this.name);
	}

}
