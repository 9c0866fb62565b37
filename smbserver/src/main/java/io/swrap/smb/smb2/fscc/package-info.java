/** File and file-system information classes of [MS-FSCC] section 2.4 and 2.5, encoded for QUERY_INFO and QUERY_DIRECTORY. */
package io.swrap.smb.smb2.fscc;
