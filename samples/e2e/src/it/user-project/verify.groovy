// The invoked 'mvn test' passed; check that it ran every test class, that only the one test
// context that enabled the guard took a lock, and that the file was gone with the test JVM.
def log = new File(basedir, 'build.log').text
assert log.contains('Tests run: 4, Failures: 0, Errors: 0, Skipped: 0') : 'four test classes, all green'
def locked = (log =~ /Locked pid file (\S+) \(PID/).collect { it[1] }
assert locked.size() == 1 : 'only GuardEnabledTests takes a lock'
assert locked[0] ==~ /.*\/users-test-\d+-\d+\.pid/ : 'on a path of its own'
assert !new File(locked[0]).exists() : 'released when the test JVM ended'
assert !new File(System.getProperty('java.io.tmpdir'), 'users.pid').exists() : 'the default path was never used'
return true
