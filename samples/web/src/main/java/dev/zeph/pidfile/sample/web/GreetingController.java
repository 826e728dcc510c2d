package dev.zeph.pidfile.sample.web;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Something for the service to serve, so that there is a port worth guarding.
 */
@RestController
class GreetingController {

	/**
	 * Printed when this bean is constructed and {@code sample.print-bean-construction=true}: the
	 * end-to-end tests look for it to prove that a refused start instantiated no bean of the
	 * application.
	 */
	static final String CONSTRUCTED = "sample: GreetingController constructed";

	GreetingController(@Value("${sample.print-bean-construction:false}") boolean printConstruction) {
		if (printConstruction) {
			System.out.println(CONSTRUCTED);
		}
	}

	@GetMapping("/")
	String greet() {
		return "Hello from PID " + ProcessHandle.current().pid() + ", the only instance\n";
	}

}
