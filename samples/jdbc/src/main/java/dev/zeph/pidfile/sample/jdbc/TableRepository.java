package dev.zeph.pidfile.sample.jdbc;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * What the service reads of its database: the tables of its information schema, which every
 * engine has and every user may read.
 */
@Repository
class TableRepository {

	private final JdbcClient jdbc;

	TableRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	int countSchemaTables() {
		return this.jdbc.sql("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'information_schema'")
			.query(Integer.class)
			.single();
	}

}
