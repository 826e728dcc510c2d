package com.example.users;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.test.web.servlet.MockMvc;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;

@WebMvcTest(controllers = GreetingController.class, properties = "x=slice")
class GreetingControllerTests {

	@Autowired
	MockMvc mvc;

	@Test
	void greets() throws Exception {
		this.mvc.perform(get("/greeting")).andExpect(content().string("hello slice"));
	}

}
