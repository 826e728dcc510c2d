package dev.zeph.pidfile.sample.jdbc;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A web service with a DataSource that counts its database's tables before it is ready: on
 * PostgreSQL, MySQL or MariaDB, chosen by {@code spring.datasource.url}. With
 * {@code --zeph.pidfile.cluster.enabled=true} it is also one active instance across hosts, on
 * the same database.
 */
@SpringBootApplication
public class SampleJdbcApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleJdbcApplication.class, args);
	}

}
