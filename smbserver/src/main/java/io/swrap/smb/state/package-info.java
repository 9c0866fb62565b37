/** The server's abstract data model after [MS-SMB2] section 3.3.1: Connection, Session, TreeConnect, Open. */
package io.swrap.smb.state;
