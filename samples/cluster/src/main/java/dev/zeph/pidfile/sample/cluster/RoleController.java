package dev.zeph.pidfile.sample.cluster;

import dev.zeph.pidfile.standby.ActiveInstance;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The web part, served by every instance, active or standing by.
 */
@RestController
class RoleController {

	private final ActiveInstance instance;

	RoleController(ActiveInstance instance) {
		this.instance = instance;
	}

	@GetMapping("/")
	String role() {
		return "PID " + ProcessHandle.current().pid() + " is " + this.instance.getRole() + "\n";
	}

}
