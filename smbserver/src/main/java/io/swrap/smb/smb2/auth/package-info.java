/** SPNEGO ([MS-SPNG], RFC 4178) wrapping NTLMSSP ([MS-NLMP]) for SMB2 SESSION_SETUP, and the smbpasswd(5) user database. */
package io.swrap.smb.smb2.auth;
