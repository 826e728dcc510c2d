/**
 * The real peers the tests of every module run against: child JVMs and their output, the
 * commands of util-linux, a PostgreSQL server and a network that can go silent. Nothing here
 * is a mock: each helper starts or talks to a real process.
 */
@NullMarked
package dev.zeph.pidfile.testsupport;

import org.jspecify.annotations.NullMarked;
