/** The pipeline steps after the codec (verify signature, credits, dispatch) and one handler per SMB2 command, after [MS-SMB2] section 3.3.5. */
package io.swrap.smb.smb2.handler;
