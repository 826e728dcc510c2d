/**
 * The web sample: a service that runs once per pid file.
 */
@NullMarked
package dev.zeph.pidfile.sample.web;

import org.jspecify.annotations.NullMarked;
