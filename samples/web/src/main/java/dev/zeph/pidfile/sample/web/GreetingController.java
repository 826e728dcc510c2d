package dev.zeph.pidfile.sample.web;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Something for the service to serve, so that there is a port worth guarding.
 */
@RestController
class GreetingController {

	@GetMapping("/")
	String greet() {
		return "Hello from PID " + ProcessHandle.current().pid() + ", the only instance\n";
	}

}
