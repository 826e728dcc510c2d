package com.example.users;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
class GreetingController {

	private final String name;

	GreetingController(@Value("${x:world}") String name) {
		this.name = name;
	}

	@GetMapping("/greeting")
	String greeting() {
		return "hello " + this.name;
	}

}
