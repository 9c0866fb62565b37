package io.swrap.smb.smb2.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.logging.Logger;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A Samba smbpasswd(5) file: one user per line,
 * {@code name:uid:LMHASH:NTHASH:[U          ]:LCT-XXXXXXXX:}. Only the NT hash is used
 * (NTLMv2 needs nothing else); the LM hash is written as 32 'X' ("no LM password").
 * Accounts flagged D (disabled) or N (no password) are ignored. The file is read once per lookup
 * so that users added while the server runs can log on.
 * The hashes log on as well as the passwords: the file is created 0600, and one found readable or writable
 * by group or others is made 0600 when read, with a warning (as Samba does to its smbpasswd file).
 */
public final class SmbPasswdFile {
    private static final Logger LOG = Logger.getLogger(SmbPasswdFile.class.getName());
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private final Path file;

    public SmbPasswdFile(Path file) {
        this.file = file;
    }

    public Path path() {
        return file;
    }

    /** The NT hash of {@code user} (case-insensitive), or null if there is no enabled account. */
    public byte[] ntHash(String user) throws IOException {
        return read().get(user.toLowerCase(Locale.ROOT));
    }

    private Map<String, byte[]> read() throws IOException {
        restrictPermissions();
        Map<String, byte[]> users = new LinkedHashMap<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNo++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(":", -1);
            if (f.length < 6 || f[3].length() != 32) {
                throw new IOException(file + ":" + lineNo
                        + ": not an smbpasswd line (expected: name:uid:LMHASH:NTHASH:[U          ]:LCT-XXXXXXXX:)");
            }
            if (f[4].contains("D") || f[4].contains("N") || f[3].startsWith("X")) {
                continue;
            }
            try {
                users.put(f[0].toLowerCase(Locale.ROOT), HexFormat.of().parseHex(f[3]));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ":" + lineNo + ": NT hash is not 32 hex digits: " + f[3], e);
            }
        }
        return users;
    }

    /** The enabled accounts, name as written → uid, in file order (for SID lookups). */
    public Map<String, Integer> uids() throws IOException {
        restrictPermissions();
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] f = line.split(":", -1);
            if (line.isBlank() || line.startsWith("#") || f.length < 6 || f[4].contains("D") || f[4].contains("N")
                    || f[3].startsWith("X")) {
                continue;
            }
            try {
                out.put(f[0], Integer.parseInt(f[1]));
            } catch (NumberFormatException e) {
                continue; // not an account this server can name: ntHash() reports malformed lines
            }
        }
        return out;
    }

    /** Adds {@code user} with {@code password}, or replaces the hash of an existing line for that user. */
    public void addUser(String user, int uid, String password, long nowSeconds) throws IOException {
        if (user.isEmpty() || user.contains(":") || user.contains("\n")) {
            throw new IllegalArgumentException("user name: '" + user + "' (expected: non-empty, without ':' or newline)");
        }
        String line = user + ":" + uid + ":" + "X".repeat(32) + ":"
                + HexFormat.of().withUpperCase().formatHex(NtlmCrypto.ntHash(password))
                + ":[U          ]:LCT-" + String.format("%08X", nowSeconds) + ":";
        StringBuilder out = new StringBuilder();
        boolean replaced = false;
        if (Files.exists(file)) {
            for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (l.toLowerCase(Locale.ROOT).startsWith(user.toLowerCase(Locale.ROOT) + ":")) {
                    l = line;
                    replaced = true;
                }
                out.append(l).append('\n');
            }
        }
        if (!replaced) {
            out.append(line).append('\n');
        }
        if (!Files.exists(file)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY)); // never readable by others
        }
        restrictPermissions();
        Files.writeString(file, out, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
    }

    /** Makes the file 0600 if group or others have any access, saying so. */
    private void restrictPermissions() throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (!OWNER_ONLY.containsAll(perms)) {
            Files.setPosixFilePermissions(file, OWNER_ONLY);
            LOG.warning("smbpasswd file " + file + " was " + PosixFilePermissions.toString(perms)
                    + ": it holds password hashes, made it rw------- (keep it 0600)");
        }
    }
}
