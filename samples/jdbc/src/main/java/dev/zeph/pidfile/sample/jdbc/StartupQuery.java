package dev.zeph.pidfile.sample.jdbc;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Reads the database once before the application is ready, as a service that loads its
 * configuration or warms a cache does: the pool logs in then, on the main thread.
 */
@Component
class StartupQuery implements ApplicationRunner {

	private static final Log logger = LogFactory.getLog(StartupQuery.class);

	private final TableRepository tables;

	StartupQuery(TableRepository tables) {
		this.tables = tables;
	}

	@Override
	public void run(ApplicationArguments args) {
		logger.info("The database's information schema has " + this.tables.countSchemaTables() + " tables");
	}

}
