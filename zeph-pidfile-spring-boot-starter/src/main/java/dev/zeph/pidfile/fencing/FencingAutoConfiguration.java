package dev.zeph.pidfile.fencing;

import javax.sql.DataSource;

import dev.zeph.pidfile.autoconfigure.cluster.ApplicationClusterLock;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for fenced writes: the {@link Fence} of
 * the application's {@code DataSource}, and the proxy that runs it before each
 * {@link Fenced} method. Whether fencing is switched on is decided as the application starts,
 * where the cluster lock is taken, not by a condition, which AOT would decide at build time.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnClass(name = { "org.springframework.jdbc.datasource.DataSourceUtils",
		"dev.zeph.pidfile.cluster.FencingToken" })
public final class FencingAutoConfiguration {

	FencingAutoConfiguration() {
	}

	@Bean
	static FencedPostProcessor zephFencedPostProcessor() {
		return new FencedPostProcessor();
	}

	@Bean
	@ConditionalOnSingleCandidate(DataSource.class)
	@ConditionalOnMissingBean
	Fence zephFence(DataSource dataSource, ObjectProvider<ApplicationClusterLock> lock) {
		return new Fence(dataSource, lock.getIfAvailable());
	}

}
