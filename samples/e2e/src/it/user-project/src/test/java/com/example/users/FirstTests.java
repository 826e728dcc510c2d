package com.example.users;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(properties = "x=one")
class FirstTests {

	@Autowired
	ApplicationContext context;

	@Test
	void contextLoadsWithoutALock() {
		assertThat(this.context.containsBean("zephPidFile")).isFalse();
		assertThat(Path.of(System.getProperty("java.io.tmpdir"), "users.pid")).doesNotExist();
	}

}
