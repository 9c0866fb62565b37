/** SMB2 framing, header and message types after [MS-SMB2] section 2.2 (https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-smb2/). */
package io.swrap.smb.smb2.codec;
