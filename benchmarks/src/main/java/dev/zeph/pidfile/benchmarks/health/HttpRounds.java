package dev.zeph.pidfile.benchmarks.health;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Rounds of sequential {@code GET} requests over one kept-alive HTTP/1.1 connection per
 * server, concurrency 1, as {@code ab -k -c 1} made them, so that no tool outside the JDK is
 * needed. A round's figure is its mean latency: its wall time divided by its requests. The
 * client's own time per request is in both sides of a comparison alike.
 */
final class HttpRounds {

	private final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(10))
		.build();

	/** The body of one request, which must answer 200. */
	String get(URI uri) throws IOException, InterruptedException {
		HttpResponse<String> response = this.client.send(HttpRequest.newBuilder(uri).build(),
				HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 200) {
			throw new IllegalStateException(uri + " answered " + response.statusCode() + ": " + response.body());
		}
		return response.body();
	}

	/** The mean latency in microseconds of {@code requests} requests, each of which must answer 200. */
	double round(URI uri, int requests) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(uri).build();
		long start = System.nanoTime();
		for (int i = 0; i < requests; i++) {
			HttpResponse<byte[]> response = this.client.send(request, HttpResponse.BodyHandlers.ofByteArray());
			if (response.statusCode() != 200) {
				throw new IllegalStateException(uri + " answered " + response.statusCode());
			}
		}
		return (System.nanoTime() - start) / 1e3 / requests;
	}

}
