/**
 * A pid file that is never wrong about who is running: an {@code flock(2)} lock on the
 * file decides, its content only names the holder.
 *
 * @see dev.zeph.pidfile.PidFile
 */
@NullMarked
package dev.zeph.pidfile;

import org.jspecify.annotations.NullMarked;
