package io.swrap.smb.smb2.codec;

import java.util.List;

/**
 * An SMB1 SMB_COM_NEGOTIATE ([MS-SMB2] 3.3.5.3.1, [MS-CIFS] 2.2.4.52): only its dialect strings
 * matter, to decide whether to answer with SMB2 wildcard 0x02FF ("SMB 2.???") or 0x0202 ("SMB 2.002").
 */
public record Smb1NegotiateRequest(List<String> dialects) {
}
