package io.swrap.smb.smb2.codec;

import java.util.List;

/**
 * An SMB1 SMB_COM_NEGOTIATE ([MS-SMB2] 3.3.5.3.1, [MS-CIFS] 2.2.4.52): its dialect strings decide whether to
 * answer with SMB2 wildcard 0x02FF ("SMB 2.???") or 0x0202 ("SMB 2.002"), or with the SMB1 "no dialect"
 * answer; the request's 32-byte SMB1 header gives that answer its PID, TID, UID and MID.
 */
public record Smb1NegotiateRequest(List<String> dialects, byte[] header) {
    public static final int HEADER_SIZE = 32;

    public Smb1NegotiateRequest {
        dialects = List.copyOf(dialects);
        header = header.clone();
        if (header.length != HEADER_SIZE) {
            throw new IllegalArgumentException("SMB1 header of " + header.length + " bytes (expected 32)");
        }
    }

    @Override
    public byte[] header() {
        return header.clone();
    }

    /**
     * [MS-CIFS] 2.2.4.52.2: the response of a server that supports none of the dialects: DialectIndex 0xFFFF,
     * no data; the header as Samba 4.17 sends it (FLAGS_REPLY | CASE_INSENSITIVE, Flags2 UNICODE | NT_STATUS
     * | LONG_NAMES | EAS) with the request's PIDHigh, TID, PIDLow, UID and MID.
     */
    public byte[] noDialectResponse() {
        byte[] r = new byte[HEADER_SIZE + 5];
        System.arraycopy(header, 0, r, 0, HEADER_SIZE);
        for (int i = 5; i < 9; i++) {
            r[i] = 0; // Status
        }
        r[9] = (byte) 0x88;
        r[10] = 0x03;
        r[11] = (byte) 0xC0;
        for (int i = 14; i < 24; i++) {
            r[i] = 0; // SecurityFeatures, Reserved
        }
        r[HEADER_SIZE] = 1; // WordCount
        r[HEADER_SIZE + 1] = (byte) 0xFF;
        r[HEADER_SIZE + 2] = (byte) 0xFF; // DialectIndex
        return r; // ByteCount 0
    }
}
