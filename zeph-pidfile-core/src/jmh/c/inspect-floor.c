/*
 * inspect-floor: what naming the holder of a held pid file costs from C, next to
 * ../shared/perf/syscall-floor.c's "probe" (open + flock(LOCK_SH|LOCK_NB) + close). It shows
 * the floor of PidFile.inspect on a held path, whose holder lookup reads /proc/locks.
 *
 *   gcc -O2 -o /tmp/inspect-floor zeph-pidfile-core/src/jmh/c/inspect-floor.c
 *   /tmp/inspect-floor /tmp/inspect.pid 50000
 *
 * probe        = open(O_RDONLY) + flock(LOCK_SH|LOCK_NB) + close, as syscall-floor.c
 * proc_locks   = open("/proc/locks") + read until end of file + close
 * inspect_min  = open + fstat + flock + /proc/locks (open, read, close) + pread + close: the
 *                fewest calls that tell "running" and name the holder as PidFile.inspect does
 * then single /proc/locks reads after the machine left /proc/locks alone for a while: the
 * kernel takes file_rwsem for writing (percpu_down_write) to list the locks, which waits for
 * an RCU grace period unless another writer did so moments ago; back-to-back loops like the
 * ones above never see that wait.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void die(const char *what) {
	perror(what);
	exit(1);
}

static void read_proc_locks(char *buf, size_t size) {
	int p = open("/proc/locks", O_RDONLY | O_CLOEXEC);
	if (p < 0) die("open /proc/locks");
	while (read(p, buf, size) > 0) {
	}
	close(p);
}

int main(int argc, char **argv) {
	if (argc < 3) {
		fprintf(stderr, "usage: %s PATH ITERATIONS\n", argv[0]);
		return 2;
	}
	const char *path = argv[1];
	int n = atoi(argv[2]);
	char buf[8192];
	struct stat st;
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB)) die("hold");
	int len = snprintf(buf, sizeof buf, "%d\n", (int) getpid());
	if (pwrite(fd, buf, len, 0) != len) die("pwrite");

	for (int round = 0; round < 3; round++) {
		double t0 = now();
		for (int i = 0; i < n; i++) {
			int rd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
			if (rd < 0) die("probe open");
			if (flock(rd, LOCK_SH | LOCK_NB) == 0) die("probe: lock was free");
			close(rd);
		}
		double t1 = now();
		for (int i = 0; i < n; i++) {
			read_proc_locks(buf, sizeof buf);
		}
		double t2 = now();
		for (int i = 0; i < n; i++) {
			int rd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
			if (rd < 0 || fstat(rd, &st)) die("inspect open");
			if (flock(rd, LOCK_SH | LOCK_NB) == 0) die("inspect: lock was free");
			read_proc_locks(buf, sizeof buf);
			if (pread(rd, buf, 12, 0) < 0) die("pread");
			close(rd);
		}
		double t3 = now();
		printf("probe %.3f  proc_locks %.3f  inspect_min %.3f us/op\n", (t1 - t0) / n * 1e6, (t2 - t1) / n * 1e6,
				(t3 - t2) / n * 1e6);
	}
	printf("single /proc/locks reads, 200 ms apart:");
	for (int i = 0; i < 8; i++) {
		usleep(200000);
		double t0 = now();
		read_proc_locks(buf, sizeof buf);
		printf(" %.0f", (now() - t0) * 1e6);
	}
	printf(" us\n");
	unlink(path);
	close(fd);
	return 0;
}
