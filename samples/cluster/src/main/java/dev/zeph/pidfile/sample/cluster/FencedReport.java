package dev.zeph.pidfile.sample.cluster;

import dev.zeph.pidfile.fencing.Fence;
import dev.zeph.pidfile.fencing.Fenced;
import dev.zeph.pidfile.standby.ActiveInstanceOnly;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * With fencing switched on, the active instance also records each report in the database,
 * under its fencing token: {@link Fenced} checks the token first in the transaction, so an
 * instance that froze and was replaced can no longer add a row once the next one holds the
 * lock, and every row of a token commits before the first row of the next.
 */
@Component
@ConditionalOnBooleanProperty("zeph.pidfile.cluster.fencing.enabled")
class FencedReport {

	private final JdbcTemplate jdbc;

	private final Fence fence;

	private final long pid = ProcessHandle.current().pid();

	FencedReport(JdbcTemplate jdbc, Fence fence) {
		this.jdbc = jdbc;
		this.fence = fence;
	}

	@ActiveInstanceOnly
	@Scheduled(fixedDelayString = "${sample.interval:200ms}")
	@Transactional
	@Fenced
	void record() {
		// in the fenced transaction, so only the active instance creates it, never two at once
		this.jdbc.execute("CREATE TABLE IF NOT EXISTS sample_report (id BIGSERIAL PRIMARY KEY, token BIGINT NOT NULL,"
				+ " pid BIGINT NOT NULL, reported_at TIMESTAMPTZ NOT NULL DEFAULT now())");
		this.jdbc.update("INSERT INTO sample_report (token, pid) VALUES (?, ?)", this.fence.getToken().orElseThrow(),
				this.pid);
	}

}
