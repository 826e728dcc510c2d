package com.example.users;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(properties = "x=two")
class SecondTests {

	@Autowired
	ApplicationContext context;

	@Test
	void secondConfigurationLoadsBesideTheFirst() {
		assertThat(this.context.getEnvironment().getProperty("x")).isEqualTo("two");
		assertThat(this.context.containsBean("zephPidFile")).isFalse();
	}

}
