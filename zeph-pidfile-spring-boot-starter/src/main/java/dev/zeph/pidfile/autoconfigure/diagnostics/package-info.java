/**
 * Failure analysis for a start that a guard refused: one package-private analyzer per kind of
 * refusal, registered in {@code META-INF/spring.factories}, each explaining what was found and
 * how to go on.
 */
@NullMarked
package dev.zeph.pidfile.autoconfigure.diagnostics;

import org.jspecify.annotations.NullMarked;
