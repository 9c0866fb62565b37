package io.swrap.smb.smb2.auth;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Command line: {@code SmbPasswdTool FILE USER PASSWORD [UID]} adds USER (or changes its password)
 * in the smbpasswd(5) file FILE, creating the file if needed. Like {@code smbpasswd -a}, without Samba.
 */
public final class SmbPasswdTool {
    private SmbPasswdTool() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3 || args.length > 4) {
            System.err.println("usage: SmbPasswdTool FILE USER PASSWORD [UID]  (adds USER to the smbpasswd file FILE)");
            System.exit(2);
        }
        int uid = args.length == 4 ? Integer.parseInt(args[3]) : 1000;
        new SmbPasswdFile(Path.of(args[0])).addUser(args[1], uid, args[2], System.currentTimeMillis() / 1000);
        System.out.println("added user " + args[1] + " to " + args[0]);
    }
}
