package io.swrap.smb.smb2.auth;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Command line: {@code SmbPasswdTool FILE USER [UID] < password} adds USER (or changes its password) in the
 * smbpasswd(5) file FILE, creating the file (mode 0600) if needed. Like {@code smbpasswd -a -s}, without
 * Samba. The password is read from standard input, one line: never from the command line, where every
 * local user could read it in {@code ps}.
 */
public final class SmbPasswdTool {
    private SmbPasswdTool() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: SmbPasswdTool FILE USER [UID] < PASSWORD-LINE  (adds USER to the smbpasswd file"
                    + " FILE; the password is read from standard input)");
            System.exit(2);
        }
        int uid = args.length == 3 ? Integer.parseInt(args[2]) : 1000;
        String password = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (password == null) {
            System.err.println("SmbPasswdTool: no password on standard input (expected: one line)");
            System.exit(2);
        }
        new SmbPasswdFile(Path.of(args[0])).addUser(args[1], uid, password, System.currentTimeMillis() / 1000);
        System.out.println("added user " + args[1] + " to " + args[0]);
    }
}
