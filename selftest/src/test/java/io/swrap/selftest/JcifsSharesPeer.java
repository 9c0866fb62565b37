package io.swrap.selftest;

import java.util.Arrays;
import java.util.Properties;
import jcifs.CIFSContext;
import jcifs.config.PropertyConfiguration;
import jcifs.context.BaseContext;
import jcifs.smb.NtlmPasswordAuthenticator;
import jcifs.smb.SmbFile;

/**
 * jcifs-ng (Maven Central) in a child JVM under the agent: lists the shares of {@code smb://HOST/} (srvsvc
 * NetShareEnum on \PIPE\srvsvc; jcifs-ng enumerates shares on port 445 only) and prints
 * {@code SHARES name/,...} then {@code OK}, or {@code ERROR what}.
 * Arguments: HOST USER PASSWORD.
 */
public final class JcifsSharesPeer {
    private JcifsSharesPeer() {
    }

    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        p.setProperty("jcifs.smb.client.minVersion", "SMB202");
        p.setProperty("jcifs.smb.client.maxVersion", "SMB311");
        // numeric addresses only: no NetBIOS name queries
        p.setProperty("jcifs.resolveOrder", "DNS");
        CIFSContext ctx = new BaseContext(new PropertyConfiguration(p))
                .withCredentials(new NtlmPasswordAuthenticator("", args[1], args[2]));
        try (SmbFile root = new SmbFile("smb://" + args[0] + "/", ctx)) {
            String[] names = root.list();
            Arrays.sort(names);
            System.out.println("SHARES " + String.join(",", names));
            System.out.println("OK");
        } catch (Exception e) {
            System.out.println("ERROR " + e);
            throw e;
        } finally {
            ctx.close();
        }
    }
}
