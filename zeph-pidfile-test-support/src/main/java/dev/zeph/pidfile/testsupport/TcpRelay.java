package dev.zeph.pidfile.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * A TCP relay between a client and a server on this machine that can go silent: after
 * {@link #silence()} it passes nothing on in either direction but keeps both connections
 * open, as a network partition or a stuck proxy does. Neither side sees a reset or a close;
 * the relay's own kernel even answers their keepalives. It can also be slow: after
 * {@link #delay(Duration)} it passes everything on that much later, as a distant network does.
 */
public final class TcpRelay implements AutoCloseable {

	private final ServerSocket server;

	private final int targetPort;

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private final AtomicInteger accepted = new AtomicInteger();

	private volatile boolean silent;

	private volatile long delayNanos;

	private volatile boolean closed;

	/**
	 * Relay connections to a port of this machine.
	 * @param targetPort the server's port
	 * @throws IOException if no port can be opened
	 */
	public TcpRelay(int targetPort) throws IOException {
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.targetPort = targetPort;
		Thread acceptor = new Thread(this::accept, "relay-accept");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	/**
	 * The relay's own port, to connect to instead of the server's.
	 * @return the port
	 */
	public int port() {
		return this.server.getLocalPort();
	}

	/**
	 * How many connections the relay has accepted: the logins made through it.
	 * @return the number of connections
	 */
	public int accepted() {
		return this.accepted.get();
	}

	/** Stop passing anything on, keeping every connection open. */
	public void silence() {
		this.silent = true;
	}

	/** Pass on again what was held and what comes: the network heals. */
	public void heal() {
		this.silent = false;
	}

	/**
	 * Pass on each byte read from now on that long after it arrived, in each direction.
	 * @param delay the one-way delay
	 */
	public void delay(Duration delay) {
		this.delayNanos = delay.toNanos();
	}

	private void accept() {
		while (!this.closed) {
			try {
				Socket client = this.server.accept();
				this.accepted.incrementAndGet();
				Socket target = new Socket(InetAddress.getLoopbackAddress(), this.targetPort);
				this.sockets.add(client);
				this.sockets.add(target);
				pump(client, target);
				pump(target, client);
			}
			catch (IOException ex) {
				// closed, or a connection that failed: the client sees it as such
			}
		}
	}

	/** A reader that stamps what it read and a writer that passes it on once it is due. */
	private void pump(Socket from, Socket to) {
		BlockingQueue<Chunk> chunks = new LinkedBlockingQueue<>();
		daemon("relay-read", () -> {
			try (InputStream in = from.getInputStream()) {
				byte[] buffer = new byte[8192];
				int read;
				while ((read = in.read(buffer)) >= 0) {
					holdWhileSilent();
					chunks.put(new Chunk(System.nanoTime() + this.delayNanos, Arrays.copyOf(buffer, read)));
				}
			}
			catch (IOException ex) {
				// a reset: an end as well
			}
			// the end too: a silent network passes on no FIN, so the other side never hears of it
			holdWhileSilent();
			chunks.put(new Chunk(System.nanoTime(), null));
		});
		daemon("relay-write", () -> {
			try (OutputStream out = to.getOutputStream()) {
				for (Chunk chunk = chunks.take(); chunk.bytes() != null; chunk = chunks.take()) {
					TimeUnit.NANOSECONDS.sleep(chunk.due() - System.nanoTime());
					out.write(chunk.bytes());
					out.flush();
				}
			}
		});
	}

	private void holdWhileSilent() throws InterruptedException {
		while (this.silent && !this.closed) {
			Thread.sleep(50);
		}
	}

	private static void daemon(String name, Pump pump) {
		Thread thread = new Thread(() -> {
			try {
				pump.run();
			}
			catch (IOException | InterruptedException ex) {
				// one side closed: the relay ends this connection too
			}
		}, name);
		thread.setDaemon(true);
		thread.start();
	}

	@Override
	public void close() throws IOException {
		this.closed = true;
		this.server.close();
		for (Socket socket : this.sockets) {
			socket.close();
		}
	}

	private interface Pump {

		void run() throws IOException, InterruptedException;

	}

	private record Chunk(long due, byte @Nullable [] bytes) {

	}

}
