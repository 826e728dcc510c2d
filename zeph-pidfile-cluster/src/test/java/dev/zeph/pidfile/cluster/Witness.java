package dev.zeph.pidfile.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An independent record of who was active when: each instance's listener writes an enter
 * record when it becomes active and an exit record when it stops (at the moment it noticed,
 * which is no earlier than the moment it stopped), on one monotonic clock. Two instances
 * active at once is a failure.
 */
final class Witness {

	private final List<Edge> edges = new CopyOnWriteArrayList<>();

	/** What the listeners heard besides the edges: kept apart, so that it never counts as one. */
	private final List<Edge> notes = new CopyOnWriteArrayList<>();

	ClusterLock.Listener listener(String who) {
		return new ClusterLock.Listener() {

			@Override
			public void activated(ClusterLock lock) {
				Witness.this.edges.add(new Edge(System.nanoTime(), who, true, "activated"));
			}

			@Override
			public void lost(ClusterLock lock, String reason, boolean wasActive) {
				Witness.this.edges.add(new Edge(System.nanoTime(), who, false, "lost: " + reason));
			}

			@Override
			public void slowHeartbeat(ClusterLock lock, Duration took) {
				Witness.this.notes.add(new Edge(System.nanoTime(), who, false, "slow heartbeat"));
			}

			@Override
			public void unreachable(String message) {
				Witness.this.notes.add(new Edge(System.nanoTime(), who, false, "unreachable: " + message));
			}

			@Override
			public void deactivated(ClusterLock lock, String reason) {
				Witness.this.edges.add(new Edge(System.nanoTime(), who, false, reason));
			}

		};
	}

	boolean saw(String who, String what) {
		return Stream.concat(this.edges.stream(), this.notes.stream())
			.anyMatch((edge) -> edge.who().equals(who) && edge.what().startsWith(what));
	}

	long count(String who, String what) {
		return Stream.concat(this.edges.stream(), this.notes.stream())
			.filter((edge) -> edge.who().equals(who) && edge.what().startsWith(what))
			.count();
	}

	long when(String who, String what) {
		return this.edges.stream()
			.filter((edge) -> edge.who().equals(who) && edge.what().startsWith(what))
			.mapToLong(Edge::nanos)
			.findFirst()
			.orElseThrow(() -> new AssertionError(who + " never " + what + ": " + this.edges));
	}

	void assertNeverTwoActive() {
		List<Edge> sorted = new ArrayList<>(this.edges);
		sorted.sort((a, b) -> Long.compare(a.nanos(), b.nanos()));
		List<String> active = new ArrayList<>();
		for (Edge edge : sorted) {
			if (edge.enter()) {
				assertThat(active).as("active when %s became active: %s", edge.who(), sorted).isEmpty();
				active.add(edge.who());
			}
			else {
				active.remove(edge.who());
			}
		}
	}

	@Override
	public String toString() {
		return this.edges.toString();
	}

	record Edge(long nanos, String who, boolean enter, String what) {

	}

}
