package dev.zeph.pidfile.standby;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.Lifecycle;
import org.springframework.context.Phased;

/**
 * The singleton work of one application: the {@link ActiveInstanceOnly} runs in flight, each
 * on its own thread, and the lifecycle beans that run on the active instance only. It knows
 * what is still running, so that a stop can be bounded and what did not stop can be named.
 */
final class SingletonWork {

	private static final Log logger = LogFactory.getLog(SingletonWork.class);

	/** The runs in flight, by thread: what each runs, and how deep it is nested in itself. */
	private final Map<Thread, Run> runs = new LinkedHashMap<>();

	/** The lifecycle beans, in the order they start: by phase, then as the context lists them. */
	private final List<Member> members = new ArrayList<>();

	/** The bean being started or stopped now, if any: a {@code start()} that hangs is work too. */
	private volatile @Nullable String changing;

	/**
	 * Run only if the instance is active at the moment the run begins. The run is listed before
	 * the check, so that a loss, which closes the gate before it looks at the runs in flight,
	 * sees every run that passed the check.
	 * @param what the bean and method, for the log
	 * @param active whether the instance is active now
	 * @return whether to run; if so, {@link #end()} must follow
	 */
	boolean begin(String what, BooleanSupplier active) {
		Thread thread = Thread.currentThread();
		synchronized (this) {
			Run run = this.runs.get(thread);
			this.runs.put(thread, (run != null) ? run.deeper() : new Run(what, 1));
		}
		if (active.getAsBoolean()) {
			return true;
		}
		end();
		return false;
	}

	synchronized void end() {
		Thread thread = Thread.currentThread();
		Run run = this.runs.get(thread);
		if (run == null) {
			return;
		}
		if (run.depth() > 1) {
			this.runs.put(thread, run.shallower());
		}
		else {
			this.runs.remove(thread);
			notifyAll();
		}
	}

	synchronized void interruptRuns() {
		this.runs.keySet().forEach(Thread::interrupt);
	}

	/**
	 * Wait until no run is in flight, or until the deadline.
	 * @param deadline the deadline, as {@link System#nanoTime()}
	 * @return whether none is
	 */
	synchronized boolean awaitRuns(long deadline) throws InterruptedException {
		while (!this.runs.isEmpty()) {
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				return false;
			}
			wait(Math.max(1, left / 1_000_000));
		}
		return true;
	}

	void addLifecycleBean(String name, Lifecycle bean) {
		this.members.add(new Member(name, bean, (bean instanceof Phased phased) ? phased.getPhase() : 0));
		this.members.sort(Comparator.comparingInt(Member::phase));
	}

	boolean hasLifecycleBeans() {
		return !this.members.isEmpty();
	}

	/**
	 * Start the lifecycle beans, lowest phase first. A bean that fails to start is logged and
	 * left: the others, and the rest of this instance's work, go on.
	 */
	void startLifecycleBeans() {
		for (Member member : this.members) {
			this.changing = member.name();
			try {
				if (!member.bean().isRunning()) {
					member.bean().start();
				}
			}
			catch (RuntimeException ex) {
				logger.error("Singleton lifecycle bean '" + member.name() + "' failed to start", ex);
			}
			finally {
				this.changing = null;
			}
		}
	}

	/**
	 * Stop the lifecycle beans, highest phase first.
	 */
	void stopLifecycleBeans() {
		for (int i = this.members.size() - 1; i >= 0; i--) {
			Member member = this.members.get(i);
			this.changing = member.name();
			try {
				if (member.bean().isRunning()) {
					member.bean().stop();
				}
			}
			catch (RuntimeException ex) {
				logger.warn("Singleton lifecycle bean '" + member.name() + "' failed to stop", ex);
			}
			finally {
				this.changing = null;
			}
		}
	}

	/**
	 * What is still running: the runs in flight by bean and method, and the lifecycle beans
	 * that run or are being started or stopped, by name.
	 * @return what is running, empty when the work has stopped
	 */
	List<String> running() {
		List<String> running = new ArrayList<>();
		synchronized (this) {
			this.runs.values().forEach((run) -> running.add(run.what()));
		}
		String changing = this.changing;
		for (Member member : this.members) {
			if (member.name().equals(changing) || isRunning(member)) {
				running.add("lifecycle bean '" + member.name() + "'"
						+ (member.name().equals(changing) ? " (still in its start() or stop())" : ""));
			}
		}
		return running;
	}

	private static boolean isRunning(Member member) {
		try {
			return member.bean().isRunning();
		}
		catch (RuntimeException ex) {
			return true;
		}
	}

	private record Run(String what, int depth) {

		Run deeper() {
			return new Run(this.what, this.depth + 1);
		}

		Run shallower() {
			return new Run(this.what, this.depth - 1);
		}

	}

	private record Member(String name, Lifecycle bean, int phase) {

	}

}
