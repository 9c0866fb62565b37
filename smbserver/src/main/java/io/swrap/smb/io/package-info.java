/** The bounded thread pool that runs blocking file operations off the event loops. */
package io.swrap.smb.io;
