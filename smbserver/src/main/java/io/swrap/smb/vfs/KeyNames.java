package io.swrap.smb.vfs;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The server's tables (share modes, oplocks, byte-range locks, change notify) key files by a
 * {@link java.nio.file.Path} under the share's root. A JDK path holds its name in the JVM's file-name encoding,
 * which is ASCII when the server starts without a UTF-8 locale; so the names in keys are kept in ASCII: every
 * byte of the UTF-8 name outside printable ASCII, and '%', as %XX. Keys are never opened; the {@link Vfs} gets
 * the decoded name.
 */
public final class KeyNames {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private KeyNames() {
    }

    public static String encode(String name) {
        boolean plain = true;
        for (int i = 0; i < name.length() && plain; i++) {
            char c = name.charAt(i);
            plain = c >= 0x20 && c < 0x7f && c != '%';
        }
        if (plain) {
            return name;
        }
        StringBuilder sb = new StringBuilder();
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int v = b & 0xff;
            if (v >= 0x20 && v < 0x7f && v != '%') {
                sb.append((char) v);
            } else {
                sb.append('%').append(HEX[v >> 4]).append(HEX[v & 0xf]);
            }
        }
        return sb.toString();
    }

    public static String decode(String key) {
        if (key.indexOf('%') < 0) {
            return key;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '%' && i + 2 < key.length()) {
                out.write(Integer.parseInt(key, i + 1, i + 3, 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
